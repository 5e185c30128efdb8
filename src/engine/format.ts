import type { ThumbprintResult } from './thumbprint';

/** Plain-text rendering of a thumbprint result (CLI, logs, copy as text). */
export function formatThumbprintText(r: ThumbprintResult): string {
  const lines: string[] = [];
  lines.push(`Thumbprint for ${r.target}: ${r.thumbprint}`, '');
  lines.push(r.explanation, '');
  lines.push(`Certificates presented (${r.certificates.length}, leaf first):`);
  r.certificates.forEach((c, i) => {
    const mark = i === r.thumbprintIndex ? '  <- thumbprint' : '';
    lines.push(`  ${i + 1}. [${c.role}] ${c.subject}${mark}`);
    lines.push(`     issuer:  ${c.issuer}`);
    lines.push(`     valid:   ${c.validFrom} .. ${c.validTo}${c.expired ? ' (EXPIRED)' : ''}`);
    lines.push(`     SHA-1:   ${c.sha1}`);
    lines.push(`     SHA-256: ${c.sha256}`);
  });
  if (r.warnings.length) {
    lines.push('', 'Warnings:');
    for (const w of r.warnings) lines.push(`  - ${w}`);
  }
  return lines.join('\n');
}
