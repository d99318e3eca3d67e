import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Runs `build` only when its inputs changed since the last build in this checkout: running one
 * test file should not pay ~20 s of CPU rebuilding the server and the console. The stamp (a hash
 * of every input file's path and bytes) lives next to the output, so each checkout keeps its own
 * and deleting `dist/` forces a build.
 */
export function buildIfChanged(options: { name: string; inputs: string[]; output: string; build: () => void }): void {
  const stamp = path.join('dist', `.inputs-${options.name}.sha256`);
  const digest = inputsDigest(options.inputs);
  const built = fs.existsSync(options.output) && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === digest;
  if (built) return;
  options.build();
  fs.writeFileSync(stamp, digest);
}

function inputsDigest(inputs: string[]): string {
  const hash = createHash('sha256');
  for (const file of inputs.flatMap(filesUnder).sort()) {
    hash.update(file).update('\0').update(fs.readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

function filesUnder(entry: string): string[] {
  const stat = fs.statSync(entry, { throwIfNoEntry: false });
  if (!stat) return [];
  if (!stat.isDirectory()) return [entry];
  return fs.readdirSync(entry).filter((name) => name !== 'dist' && name !== 'node_modules').flatMap((name) => filesUnder(path.join(entry, name)));
}
