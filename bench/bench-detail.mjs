// The detail of a scanned image for a benchmark's store: notScannedDetail's zeros and empty texts,
// SCANNED with every category done, then the fields `known` gives.
import { notScannedDetail } from '../dist/scan/detail.js';

export function scannedDetail(known) {
  return notScannedDetail({
    ScanStatus: 'SCANNED',
    Status: 5,
    ScanVulProgress: 100,
    ScanRiskProgress: 100,
    ScanVirusProgress: 100,
    ...known,
  });
}
