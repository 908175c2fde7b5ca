// Lints an email's HTML part, read from the file named first: html-validate (HTML5 and
// accessibility rules) and doiuse-email (what the main mail clients support, from caniemail.com).
// Prints one JSON object: {"html": [[rule, message, line]...], "clients": {errors, warnings}}.
import { readFileSync } from "node:fs";
import { HtmlValidate } from "html-validate";
import { doIUseEmail } from "@jsx-email/doiuse-email";

const html = readFileSync(process.argv[2], "utf8");
const validator = new HtmlValidate({
  extends: ["html-validate:recommended"],
  rules: {
    // Email practice, not mistakes: layout tables with their attributes (Outlook reads no CSS
    // layout), inline styles (mail clients drop <style>).
    "no-inline-style": "off",
    "no-deprecated-attr": "off",
    "prefer-native-element": "off",
    "doctype-style": "off",
    "long-title": "off", // the title is the subject, as long as the badge's and issuer's names
  },
});
const report = await validator.validateString(html);
const messages = report.results.flatMap((r) => r.messages.map((m) => [m.ruleId, m.message, m.line]));
const clients = doIUseEmail(html, {
  emailClients: ["gmail.*", "outlook.*", "apple-mail.*", "yahoo.*", "thunderbird.*", "orange.*", "sfr.*", "laposte.*"],
});
process.stdout.write(JSON.stringify({ html: messages, clients }));
