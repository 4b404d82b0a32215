#!/usr/bin/env node
// Prints CI's closing line, "N passed, M failed", from jest's JSON report plus the lint and
// type-check steps (each counted as one check). Exits non-zero when anything failed.
const fs = require('node:fs');

const [reportPath, checksFailedArg = '0'] = process.argv.slice(2);
const checksFailed = Number(checksFailedArg);
const checksPassed = 2 - checksFailed;
let passed = 0;
let failed = 0;
try {
  const report = JSON.parse(fs.readFileSync(reportPath, 'utf8'));
  passed = report.numPassedTests;
  failed = report.numFailedTests + report.numRuntimeErrorTestSuites;
  if (report.numTotalTests === 0) failed += 1;
} catch (error) {
  console.error(`could not read the jest report: ${error.message}`);
  failed += 1;
}
console.log(`${passed + checksPassed} passed, ${failed + checksFailed} failed`);
process.exit(failed + checksFailed > 0 ? 1 : 0);
