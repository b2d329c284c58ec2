/**
 * `npm run test:conversations`: after jest's own report, the pass rate of the conversation tests
 * per kind (the file each comes from), and in all.
 */
class PassRateReporter {
  onRunComplete(_contexts, results) {
    const kinds = new Map();
    for (const file of results.testResults) {
      for (const test of file.testResults) {
        const kind = test.ancestorTitles[0] ?? '(none)';
        const counts = kinds.get(kind) ?? { passed: 0, total: 0 };
        counts.total += 1;
        if (test.status === 'passed') counts.passed += 1;
        kinds.set(kind, counts);
      }
    }
    const rows = [...kinds].sort(([a], [b]) => a.localeCompare(b));
    const all = rows.reduce((sum, [, c]) => ({ passed: sum.passed + c.passed, total: sum.total + c.total }), { passed: 0, total: 0 });
    const line = (name, c) =>
      `${name.padEnd(26)} ${String(c.passed).padStart(4)} / ${String(c.total).padEnd(4)} ${((100 * c.passed) / Math.max(1, c.total)).toFixed(1).padStart(5)}%`;
    process.stdout.write(
      `\nConversation tests, pass rate by kind\n${rows.map(([name, c]) => line(name, c)).join('\n')}\n${line('all', all)}\n`,
    );
  }
}
module.exports = PassRateReporter;
