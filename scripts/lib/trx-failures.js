// Prints each failed test of the given .trx files as "<project>: <test>", followed by the first
// lines of its message, indented: the reason shows in a log that keeps only its tail.
const fs = require("fs");
const path = require("path");

const MESSAGE_LINES = 12;
const decode = (s) =>
  s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&apos;/g, "'")
    .replace(/&#x([0-9a-f]+);/gi, (_, h) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#([0-9]+);/g, (_, d) => String.fromCodePoint(parseInt(d, 10)))
    .replace(/&amp;/g, "&");

for (const file of process.argv.slice(2)) {
  const project = path.basename(file, ".trx");
  const xml = fs.readFileSync(file, "utf8");
  for (const result of xml.matchAll(/<UnitTestResult\b([^>]*)>([\s\S]*?)<\/UnitTestResult>|<UnitTestResult\b([^>]*)\/>/g)) {
    const attributes = result[1] ?? result[3];
    const outcome = /\boutcome="([^"]*)"/.exec(attributes)?.[1];
    if (outcome !== "Failed" && outcome !== "Error") continue;
    const name = decode(/\btestName="([^"]*)"/.exec(attributes)?.[1] ?? "?");
    console.log(`${project}: ${name}`);
    const message = /<Message>([\s\S]*?)<\/Message>/.exec(result[2] ?? "")?.[1];
    if (!message) continue;
    const lines = decode(message).split(/\r?\n/);
    for (const line of lines.slice(0, MESSAGE_LINES)) console.log(`    ${line}`);
    if (lines.length > MESSAGE_LINES) console.log(`    … ${lines.length - MESSAGE_LINES} more lines in ${path.basename(file)}`);
  }
}
