import type { Acknowledgment, Notice, ReceiptCheck } from '../domain/entities';
import type { Revision } from '../domain/revision';
import { escapeAttr, escapeHtml, layout } from './html';
import { formatDate } from './strings';

/** A printable acknowledgment receipt: who, what (the exact text), when, how, and the hash checks. */
export function renderReceipt(args: {
  acknowledgment: Acknowledgment;
  revision: Revision;
  text: string;
  verified: boolean;
  checks: ReceiptCheck[];
  publicRevisionUrl: string;
  notice?: Notice | null;
}): string {
  const { acknowledgment: a, revision: r } = args;
  const rows: [string, string][] = [
    ['Receipt', a.receiptId],
    ['User', a.userId],
    ['Policy', `${a.policyId}, version ${a.version} (${r.change})`],
    ['Language shown', a.locale],
    ['Acknowledged at', `${formatDate(a.acknowledgedAt, 'en')} (${a.acknowledgedAt})`],
    ['Channel', a.channel],
    ['In effect from', `${formatDate(r.effectiveAt, 'en')} (${r.effectiveAt})`],
    ['Content hash', a.contentHash],
    ['Revision hash', r.hash],
    ...Object.entries(a.evidence).map(([k, v]) => [`Evidence: ${k}`, v] as [string, string]),
    ...noticeRows(args.notice ?? null),
  ];
  const table = `<table class="history">${rows.map(([k, v]) => `<tr><th scope="row">${escapeHtml(k)}</th><td><code>${escapeHtml(v)}</code></td></tr>`).join('')}</table>`;
  const checks = `<ul>${args.checks
    .map(
      (c) =>
        `<li><strong>${c.ok ? 'PASS' : 'FAIL'}</strong> ${escapeHtml(c.name.replaceAll('_', ' '))}: ${escapeHtml(c.detail)}</li>`,
    )
    .join('')}</ul>`;
  const header = `<h1>Acknowledgment receipt</h1>
<p class="notice" id="verdict" data-verified="${args.verified}">${args.verified ? 'Verified: the text below is exactly the text this user acknowledged, and the revision history is intact.' : 'NOT VERIFIED: the stored records do not match. Treat this receipt as evidence of tampering or corruption.'}</p>`;
  const body = `${table}
<h2>Verification</h2>
${checks}
<p class="meta">Anyone can check independently: the SHA-256 of the text below (UTF-8, exactly as shown, ending with one newline) must equal the content hash above, which the public revision record also states: <a href="${escapeAttr(args.publicRevisionUrl)}">${escapeHtml(args.publicRevisionUrl)}</a>.</p>
<h2>Text acknowledged</h2>
<article class="text" lang="${escapeAttr(a.locale)}">${escapeHtml(args.text)}</article>`;
  return layout({ lang: 'en', title: `Receipt ${a.receiptId}`, header, body });
}

/** The change email about this version: sent (SES accepted it) and delivered (SES Delivery event) apart. */
function noticeRows(n: Notice | null): [string, string][] {
  if (!n) return [['Change email', 'none recorded']];
  if (n.state !== 'sent') return [['Change email', `${n.state}${n.reason ? `: ${n.reason}` : ''}`]];
  return [
    ['Change email sent', `${formatDate(n.sentAt ?? n.at, 'en')} (${n.sentAt ?? n.at})`],
    [
      'Change email delivered',
      n.deliveredAt ? `${formatDate(n.deliveredAt, 'en')} (${n.deliveredAt})` : 'no delivery reported yet',
    ],
  ];
}
