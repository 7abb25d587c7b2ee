#!/usr/bin/env node
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const entry = join(__dirname, '..', 'dist', 'apps', 'orchestrator', 'src', 'cli', 'main.js');
if (!existsSync(entry)) {
  process.stderr.write('lab: not built yet; run `npm run build` (npm ci does it for you)\n');
  process.exit(2);
}
require(entry);
