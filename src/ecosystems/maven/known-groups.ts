/**
 * The groupId of a few widely used artifacts whose jars carry no pom.properties and no usable groupId
 * in their manifest because Gradle builds them: Spring Framework, Spring Boot, Spring Security and the
 * Kotlin standard library. Each entry needs the manifest to confirm the family (a jar merely named
 * `spring-core-1.0.jar` is not taken for Spring), so a renamed or unrelated jar keeps no groupId.
 */

/** Spring Framework's modules (https://github.com/spring-projects/spring-framework, one folder each). */
const SPRING_FRAMEWORK = new Set([
  'spring-aop',
  'spring-aspects',
  'spring-beans',
  'spring-context',
  'spring-context-indexer',
  'spring-context-support',
  'spring-core',
  'spring-expression',
  'spring-instrument',
  'spring-jcl',
  'spring-jdbc',
  'spring-jms',
  'spring-messaging',
  'spring-orm',
  'spring-oxm',
  'spring-r2dbc',
  'spring-test',
  'spring-tx',
  'spring-web',
  'spring-webflux',
  'spring-webmvc',
  'spring-websocket',
]);

const KOTLIN = new Set([
  'kotlin-stdlib',
  'kotlin-stdlib-common',
  'kotlin-stdlib-jdk7',
  'kotlin-stdlib-jdk8',
  'kotlin-reflect',
]);

/**
 * The groupId of `artifact`, when it is one of the known families and the manifest's attributes
 * (`get`) confirm it: Spring's `Automatic-Module-Name` is the artifactId with dots (`spring.core`) or
 * its `Implementation-Title` the artifactId; Kotlin's `Implementation-Vendor` is JetBrains.
 */
export function knownGroup(artifact: string, get: (key: string) => string | undefined): string | undefined {
  if (artifact.startsWith('spring-')) {
    const confirmed =
      get('Automatic-Module-Name') === artifact.replaceAll('-', '.') ||
      get('Implementation-Title') === artifact;
    if (!confirmed) return undefined;
    if (SPRING_FRAMEWORK.has(artifact)) return 'org.springframework';
    if (artifact === 'spring-boot' || artifact.startsWith('spring-boot-')) return 'org.springframework.boot';
    if (artifact.startsWith('spring-security-')) return 'org.springframework.security';
    return undefined;
  }
  if (KOTLIN.has(artifact) && get('Implementation-Vendor') === 'JetBrains') return 'org.jetbrains.kotlin';
  return undefined;
}
