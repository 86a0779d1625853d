/**
 * Header tag numbers this package reads, as rpm numbers them.
 * https://github.com/rpm-software-management/rpm/blob/master/include/rpm/rpmtag.h
 */
export const RpmTag = {
  name: 1000,
  version: 1001,
  release: 1002,
  epoch: 1003,
  vendor: 1011,
  license: 1014,
  arch: 1022,
  sourceRpm: 1044,
  modularityLabel: 5096,
} as const;
