export { RISK_FILES_ANALYZER, riskFileAnalyzer } from './file-analyzer.js';
export { riskFromFinalFilesystem } from './final-filesystem.js';
export { historyHits } from './history-rules.js';
export { isRootUser, portRule, riskImageCheck } from './image-check.js';
export { instructionText } from './instruction-text.js';
