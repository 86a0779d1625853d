/**
 * The form of a package name both sides of matching use, so an advisory naming `Django` finds the
 * installed `django`: PyPI names are normalised per PEP 503 (lower case, runs of `-_.` → `-`), NuGet
 * and Packagist names compare case-insensitively; every other ecosystem's names are kept as they are.
 * Applied by the vulnerability database at import and by the matcher at lookup.
 */
export function normalizePackageName(ecosystem: string, name: string): string {
  switch (ecosystem) {
    case 'PyPI':
      return name.toLowerCase().replace(/[-_.]+/g, '-');
    case 'NuGet':
    case 'Packagist':
      return name.toLowerCase();
    default:
      return name;
  }
}
