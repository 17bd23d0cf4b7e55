import { readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, sep } from 'node:path';

const MAGIC = /[*?[]/;

function segmentRegex(segment: string): RegExp {
  let re = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const close = segment.indexOf(']', i + 1);
      if (close === -1) re += '\\[';
      else {
        const body = segment
          .slice(i + 1, close)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\');
        re += `[${body}]`;
        i = close;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Expands a file pattern (`*`, `?`, `[abc]` in any segment, `**` for any depth) to the regular files it
 * matches now. Dot files match only when the segment starts with a dot. A plain path is returned as is
 * (it may not exist yet: the tailer waits for it).
 *
 * @example
 * expandPattern('logs/*.log'); // ['logs/api.log', 'logs/worker.log']
 */
export function expandPattern(pattern: string): string[] {
  if (!MAGIC.test(pattern)) return [pattern];
  const absolute = isAbsolute(pattern);
  const segments = pattern.split(/[/\\]+/).filter((s, i) => s !== '' || i === 0);
  const out: string[] = [];
  const walk = (dir: string, index: number): void => {
    if (index === segments.length) {
      out.push(dir);
      return;
    }
    const segment = segments[index]!;
    const last = index === segments.length - 1;
    if (segment === '**') {
      walk(dir, index + 1);
      for (const name of listDir(dir || '.')) {
        const path = dir ? join(dir, name) : name;
        if (!name.startsWith('.') && isDir(path)) walk(path, index);
      }
      return;
    }
    if (!MAGIC.test(segment)) {
      const path = index === 0 && segment === '' ? sep : dir ? join(dir, segment) : segment;
      if (last || isDir(path)) walk(path, index + 1);
      return;
    }
    const re = segmentRegex(segment);
    for (const name of listDir(dir || '.')) {
      if (name.startsWith('.') && !segment.startsWith('.')) continue;
      if (!re.test(name)) continue;
      const path = dir ? join(dir, name) : name;
      if (last || isDir(path)) walk(path, index + 1);
    }
  };
  walk(absolute ? '' : '', 0);
  return out.filter((p) => {
    try {
      return statSync(p).isFile();
    } catch {
      return false;
    }
  });
}
