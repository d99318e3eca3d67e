#!/usr/bin/env node
// The `strata` CLI; the TypeScript sources are built to dist/ by `npm install` (prepare).
import { main } from '../dist/cli/strata-cli.js';
await main(process.argv.slice(2));
