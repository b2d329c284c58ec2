/**
 * Code typed or pasted into the chat (SQL, script, template or shell injection): its words are no
 * words of the driver. "'; DROP TABLE tickets; --" asks for no ticket, and `<script>` names no
 * script the bot should hear. Markup around words ("<b>stuck in the car</b>") is not code: the
 * words stay, the tags go.
 */

/** Elements whose content is code, not text: dropped whole. */
const codeElements = /<\s*(script|style|iframe|object|svg)\b[^>]*>[\s\S]*?(?:<\s*\/\s*\1\s*>|$)/gi;
const tags = /<\s*\/?\s*[a-z!?][^<>]*>/gi;

/** What a statement names after its keywords ("tickets", "IF EXISTS tickets"): a few words at most, so a sentence after it stays. */
const operands = String.raw`(?:\s+[^\s;]+){0,3}`;

/**
 * Code by its shape: SQL statements and comment tricks, template and expression injection, script
 * URLs and handlers, shell commands, path and encoding tricks. SQL keywords count in upper case,
 * or in lower case only where no sentence would use them ("drop table", "select *").
 */
const codeShapes = [
  String.raw`\b(?:drop|truncate|alter)\s+(?:table|database|schema)\b${operands}`,
  String.raw`\bselect\s+(?:\*|\w+\s*,\s*\w+|count\s*\()[^;]{0,60}?\bfrom\b${operands}`,
  String.raw`\binsert\s+into\b${operands}`,
  String.raw`\bdelete\s+from\b${operands}`,
  String.raw`\bunion\s+(?:all\s+)?select\b${operands}`,
  String.raw`\b(?:exec|execute)\s+(?:xp_|sp_)\w*`,
  String.raw`['"]\s*(?:or|and)\s+['"]?\w+['"]?\s*=\s*['"]?\w+['"]?`,
  String.raw`\b(?:or|and)\s+\d+\s*=\s*\d+`,
  String.raw`['"]\s*\)*\s*(?:;|--|#|\/\*)`,
  // A comment after a statement or a quote runs to the end ("'; DELETE FROM users; -- cancel"); "stuck -- help" is a dash.
  String.raw`(?:;|['"])\s*--.*$`,
  String.raw`(?:^|\s)--+\s*$`,
  String.raw`\/\*[\s\S]*?(?:\*\/|$)`,
  String.raw`\$\{[^}]*\}?`,
  String.raw`\{\{[^}]*\}*`,
  String.raw`<%[\s\S]*?(?:%>|$)`,
  String.raw`\$\([^)]*\)?`,
  String.raw`\b(?:javascript|vbscript)\s*:\S*`,
  String.raw`\b(?:alert|prompt|eval)\([^)]*\)?`,
  String.raw`\b(?:document\.(?:cookie|location|write|body)|window\.(?:location|open|alert))\S*`,
  String.raw`\bon(?:error|load|click|mouseover)\s*=\S*`,
  String.raw`\b(?:rm|sudo|chmod|chown|wget|curl|bash|powershell)\s+(?:-{1,2}[a-z]+|\/)\S*`,
  String.raw`(?:\.\.[\\/])+\S*`,
  String.raw`(?:%[0-9a-f]{2}){2,}|%00`,
  String.raw`\\x[0-9a-f]{2}`,
  String.raw`^\s*(?:null|undefined)\s*$`,
];
const codePattern = new RegExp(codeShapes.join('|'), 'gi');
/** "SELECT name FROM users", "UPDATE users SET": SQL written as SQL is, in capitals. */
const upperCaseSql = new RegExp(String.raw`\b(?:SELECT|UPDATE|DELETE|INSERT)\b[^;]{0,60}?\b(?:FROM|SET|INTO|WHERE)\b${operands}`, 'g');

/** The text with code taken out, markup tags too (the words between tags stay). */
export function withoutCode(text: string): string {
  return text
    .replace(codeElements, ' ')
    .replace(codePattern, ' ')
    .replace(upperCaseSql, ' ')
    .replace(tags, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Whether the text holds code (markup around plain words does not count). The recognizer flags it
 * once a message (`Recognition.code`): code that has the message's recognition reads that flag.
 */
export function hasCode(text: string): boolean {
  return [codeElements, codePattern, upperCaseSql].some((pattern) => {
    pattern.lastIndex = 0;
    return pattern.test(text);
  });
}
