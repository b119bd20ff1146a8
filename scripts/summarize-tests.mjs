// Prints vitest's JSON report as the one closing line CI reads: "N passed, N failed[, N skipped]".
import { readFileSync } from 'node:fs';

const file = process.argv[2];
// vitest's own exit status: non-zero with no failed test means an error outside the tests (an unhandled
// rejection or exception), which makes the run fail and so must show in the count.
const vitestStatus = Number(process.argv[3] ?? 0);
let report;
try {
  report = JSON.parse(readFileSync(file, 'utf8'));
} catch {
  console.log('0 passed, 1 failed');
  console.error(`no test report at ${file}: the test run did not finish`);
  process.exit(1);
}
const counted = report.numFailedTests + filesFailedWithoutFailedTests(report);
const failed = counted === 0 && (vitestStatus !== 0 || report.success === false) ? 1 : counted;
if (failed > counted) console.error('vitest failed outside the tests (see "Unhandled Errors" above): counted as 1 failure');
const skipped = report.numPendingTests + (report.numTodoTests ?? 0);
console.log(`${report.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || report.numTotalTests === 0 ? 1 : 0);

// A test file that failed to load (or failed in a hook) counts as one failure; one that failed because of its tests
// is already counted by them. (vitest's numFailedTestSuites also counts describe blocks, so it is not used.)
function filesFailedWithoutFailedTests(r) {
  return r.testResults.filter((s) => s.status === 'failed' && !s.assertionResults.some((a) => a.status === 'failed')).length;
}
