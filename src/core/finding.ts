/**
 * Findings other than packages (DESIGN §3): risk rows (DescribeAssetImageRiskList: Type 1 high-risk
 * behaviour, Type 2 sensitive information) and virus rows (DescribeAssetImageVirusList).
 */

/** 1 low, 2 medium, 3 high, 4 critical — as for vulnerabilities. */
export type FindingLevel = 1 | 2 | 3 | 4;

/** Risk `Type`: 1 high-risk behaviour, 2 sensitive information. */
export type RiskType = 1 | 2;

/**
 * Risk `Behavior`: 1 root or privileged runtime configuration, 2 remote-access or dangerous service
 * exposed, 3 credentials or secrets (history, ENV, files), 4 dangerous build or filesystem practice.
 */
export type RiskBehavior = 1 | 2 | 3 | 4;

/** One risk, where it was found, and what to do about it. Never holds a secret in clear. */
export interface RiskFinding {
  type: RiskType;
  behavior: RiskBehavior;
  level: FindingLevel;
  /** stable rule id: `secret.aws-access-key-id`, `config.root-user`, `fs.setuid-added`, `build.pipe-to-shell` */
  rule: string;
  /** one sentence for people (the TCSS `Desc`): what was found and why it matters */
  desc: string;
  /**
   * the TCSS `InstructionContent`: the history line, `ENV NAME=…`, or `path:line: excerpt` the finding
   * is about, with any secret in it masked
   */
  instruction: string;
  /** the concrete fix: which instruction to change, which file to remove, which credential to rotate */
  solution: string;
  /** path inside the image (`!/` into archives) when the finding is about a file */
  path?: string;
  /** index in the config's history (0 = oldest) when the finding is about a build step */
  historyIndex?: number;
  /** diffID of the layer the file or build step is in; filled by the scan for file findings */
  layer?: string;
  /** secrets only: a masked form (a few leading characters, then `…`) and `sha256:` of the clear value */
  masked?: string;
  secretHash?: string;
}

/** One file a malware engine flagged. */
export interface VirusFinding {
  /** path inside the image; members of archives inside it as `outer.tar.gz!/inner/file` */
  path: string;
  /** base name of the flagged file (the innermost member) */
  fileName: string;
  /** hex MD5 and size of the flagged content (the innermost member) */
  md5: string;
  size: number;
  /** the signature's name as the signature set gives it (`Eicar-Test-Signature`, `Win.Trojan.Agent-123`) */
  virusName: string;
  level: FindingLevel;
  /** the family the name says: `trojan`, `worm`, `miner`, `test`… */
  category: string;
  tags: string[];
  desc: string;
  solution: string;
  /** which engine found it: the built-in one or a clamd */
  engine: 'builtin' | 'clamd';
  /** diffID of the layer holding the file; filled by the scan */
  layer?: string;
}
