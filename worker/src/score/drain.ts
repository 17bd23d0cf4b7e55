/**
 * A streaming log template miner in the style of Drain (He et al., "Drain: An Online Log Parsing
 * Approach with Fixed Depth Tree", ICWS 2017): lines are masked, grouped by token count, routed through
 * a fixed number of leading tokens, and matched against the clusters of the leaf by token similarity.
 * A matching cluster's template generalizes differing tokens to `<*>`.
 *
 * The worker is stateless, so the tree is rebuilt on each request from the baseline's template table
 * ({@link Drain.addKnown}); a template keeps its id when it generalizes, so it stays "known".
 */
import type { Template } from '@cloudsage/schema';
import { tokenize } from './mask.js';

/** The wildcard a template uses where its lines differ. */
export const WILDCARD = '<*>';

/** Tuning of the miner; the defaults are Drain's published ones for depth and similarity. */
export interface DrainOptions {
  /** Tree depth: the length layer, `depth - 2` token layers and the leaf. */
  depth?: number;
  /** Fraction of equal tokens a line needs to join a cluster. */
  similarity?: number;
  /** Children per tree node before new tokens share the wildcard branch. */
  maxChildren?: number;
}

/** One template and what was seen of it. */
export interface Cluster {
  /** Stable id: a hash of the first template, kept when the template generalizes. */
  id: string;
  tokens: string[];
  /** Lines matched in the current window. */
  windowCount: number;
  /** Highest level rank seen in the current window. */
  windowLevel: number;
  /** The baseline's entry, when the template was known before this window. */
  known?: Template;
  /** The service (or host) of the window's last line of it, when records name one. */
  service?: string;
}

interface Node {
  children: Map<string, Node>;
  clusters: Cluster[];
}

function newNode(): Node {
  return { children: new Map(), clusters: [] };
}

/** FNV-1a over the string, two 32-bit lanes with different seeds: a 16-hex-digit id. */
export function templateId(pattern: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193) ^ (b >>> 13);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}

function isVariable(token: string): boolean {
  // Masked tokens and wildcards all route through the wildcard branch, so `<NUM>` and `<*>` meet.
  return token.charCodeAt(0) === 60 && token.charCodeAt(token.length - 1) === 62;
}

/**
 * The template miner.
 *
 * @example
 * const drain = new Drain();
 * const c = drain.add('Connection to 10.0.0.5:5432 refused', 50);
 * c.tokens.join(' '); // 'Connection to <IP>:<NUM> refused'
 */
export class Drain {
  readonly #root = new Map<number, Node>();
  readonly #prefixDepth: number;
  readonly #similarity: number;
  readonly #maxChildren: number;
  /** Every cluster, in creation order. */
  readonly clusters: Cluster[] = [];
  // Repeated lines are the norm in an incident; caching by raw first line skips masking and search.
  readonly #lineCache = new Map<string, Cluster>();

  constructor(options: DrainOptions = {}) {
    this.#prefixDepth = Math.max(1, (options.depth ?? 4) - 2);
    this.#similarity = options.similarity ?? 0.4;
    this.#maxChildren = options.maxChildren ?? 100;
  }

  /** Seeds the tree with a template from the baseline (its window count stays 0). */
  addKnown(template: Template): void {
    const tokens = template.pattern.length === 0 ? [] : template.pattern.split(' ');
    const cluster: Cluster = { id: template.id, tokens, windowCount: 0, windowLevel: 0, known: template };
    this.#leaf(tokens, true).clusters.push(cluster);
    this.clusters.push(cluster);
  }

  /** Matches one line (its first line only), creating or generalizing a template; returns its cluster. */
  add(msg: string, levelRank: number): Cluster {
    const nl = msg.indexOf('\n');
    const key = nl < 0 ? (msg.length > 300 ? msg.slice(0, 300) : msg) : msg.slice(0, Math.min(nl, 300));
    let cluster = this.#lineCache.get(key);
    if (cluster === undefined) {
      cluster = this.#match(tokenize(msg));
      if (this.#lineCache.size < 10_000) this.#lineCache.set(key, cluster);
    }
    cluster.windowCount++;
    if (levelRank > cluster.windowLevel) cluster.windowLevel = levelRank;
    return cluster;
  }

  #leaf(tokens: string[], create: boolean): Node {
    let node: Node | undefined = this.#root.get(tokens.length);
    if (node === undefined) {
      node = newNode();
      this.#root.set(tokens.length, node);
    }
    const depth = Math.min(this.#prefixDepth, tokens.length);
    for (let i = 0; i < depth; i++) {
      const token = isVariable(tokens[i]!) ? WILDCARD : tokens[i]!;
      let next: Node | undefined = node.children.get(token);
      if (next === undefined && create) {
        // A full node sends new tokens to the wildcard branch, bounding the tree's width.
        const key = node.children.size < this.#maxChildren ? token : WILDCARD;
        next = node.children.get(key);
        if (next === undefined) {
          next = newNode();
          node.children.set(key, next);
        }
      }
      if (next === undefined) next = node.children.get(WILDCARD);
      if (next === undefined) return newNode();
      node = next;
    }
    return node;
  }

  #match(tokens: string[]): Cluster {
    const leaf = this.#leaf(tokens, true);
    let best: Cluster | undefined;
    let bestSim = -1;
    let bestParams = -1;
    for (const cluster of leaf.clusters) {
      let equal = 0;
      let params = 0;
      const t = cluster.tokens;
      for (let i = 0; i < t.length; i++) {
        if (t[i] === WILDCARD) params++;
        else if (t[i] === tokens[i]) equal++;
      }
      const sim = t.length === 0 ? 1 : equal / t.length;
      if (sim > bestSim || (sim === bestSim && params > bestParams)) {
        best = cluster;
        bestSim = sim;
        bestParams = params;
      }
    }
    if (best !== undefined && bestSim >= this.#similarity) {
      const t = best.tokens;
      for (let i = 0; i < t.length; i++) {
        if (t[i] !== WILDCARD && t[i] !== tokens[i]) t[i] = WILDCARD;
      }
      return best;
    }
    const created: Cluster = { id: templateId(tokens.join(' ')), tokens, windowCount: 0, windowLevel: 0 };
    leaf.clusters.push(created);
    this.clusters.push(created);
    return created;
  }
}
