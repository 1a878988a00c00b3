/** The one HTML escape: text and attribute values alike (all five of & < > " '). */
const entities: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export const escapeHtml = (value: string | number) => String(value).replace(/[&<>"']/g, (c) => entities[c]!);
