/** Interface strings of the public pages, per language; other locales fall back to English. */
export interface PageStrings {
  policy: string;
  version: string;
  effective: string;
  effectiveFrom: string;
  published: string;
  upcoming: (version: number, date: string) => string;
  notYetEffective: string;
  history: string;
  changes: string;
  changesTitle: (from: number, to: number) => string;
  whatChanged: string;
  summary: string;
  changedSections: string;
  noChanges: string;
  formattingChanged: string;
  formattingOnly: string;
  unchanged: string;
  added: string;
  removed: string;
  modified: string;
  material: string;
  minor: string;
  fullText: string;
  viewChanges: string;
  language: string;
  contentHash: string;
  preamble: string;
  feed: string;
}

const en: PageStrings = {
  policy: 'Policy',
  version: 'Version',
  effective: 'Effective',
  effectiveFrom: 'In effect from',
  published: 'Published',
  upcoming: (v, d) => `Version ${v} takes effect on ${d}.`,
  notYetEffective: 'Not yet in effect',
  history: 'Version history',
  changes: 'Changes',
  changesTitle: (f, t) => `What changed from version ${f} to version ${t}`,
  whatChanged: 'What changed',
  summary: 'Summary',
  changedSections: 'Changed sections',
  noChanges: 'No differences in this language.',
  formattingChanged: 'formatting only',
  formattingOnly: 'Only the formatting changed (headings, lists, emphasis); no word did.',
  unchanged: 'unchanged',
  added: 'added',
  removed: 'removed',
  modified: 'changed',
  material: 'material change',
  minor: 'minor change',
  fullText: 'Full text',
  viewChanges: 'See what changed',
  language: 'Language',
  contentHash: 'Content hash',
  preamble: 'Introduction',
  feed: 'Follow changes (Atom feed)',
};

const vi: PageStrings = {
  policy: 'Chính sách',
  version: 'Phiên bản',
  effective: 'Hiệu lực',
  effectiveFrom: 'Có hiệu lực từ',
  published: 'Ngày công bố',
  upcoming: (v, d) => `Phiên bản ${v} có hiệu lực từ ${d}.`,
  notYetEffective: 'Chưa có hiệu lực',
  history: 'Lịch sử phiên bản',
  changes: 'Thay đổi',
  changesTitle: (f, t) => `Những thay đổi từ phiên bản ${f} đến phiên bản ${t}`,
  whatChanged: 'Nội dung thay đổi',
  summary: 'Tóm tắt',
  changedSections: 'Các mục đã thay đổi',
  noChanges: 'Không có khác biệt trong ngôn ngữ này.',
  formattingChanged: 'chỉ đổi định dạng',
  formattingOnly: 'Chỉ định dạng thay đổi (tiêu đề, danh sách, chữ nhấn mạnh); không từ nào thay đổi.',
  unchanged: 'không đổi',
  added: 'thêm mới',
  removed: 'đã bỏ',
  modified: 'đã sửa',
  material: 'thay đổi quan trọng',
  minor: 'thay đổi nhỏ',
  fullText: 'Toàn văn',
  viewChanges: 'Xem thay đổi',
  language: 'Ngôn ngữ',
  contentHash: 'Mã băm nội dung',
  preamble: 'Phần mở đầu',
  feed: 'Theo dõi thay đổi (Atom)',
};

const ja: PageStrings = {
  policy: 'ポリシー',
  version: 'バージョン',
  effective: '施行',
  effectiveFrom: '施行日',
  published: '公開日',
  upcoming: (v, d) => `バージョン${v}は${d}に施行されます。`,
  notYetEffective: '未施行',
  history: '改定履歴',
  changes: '変更点',
  changesTitle: (f, t) => `バージョン${f}からバージョン${t}への変更点`,
  whatChanged: '変更内容',
  summary: '概要',
  changedSections: '変更された条項',
  noChanges: 'この言語では差分はありません。',
  formattingChanged: '書式のみ',
  formattingOnly: '書式（見出し・リスト・強調）のみが変更され、文言は変わっていません。',
  unchanged: '変更なし',
  added: '追加',
  removed: '削除',
  modified: '変更',
  material: '重要な変更',
  minor: '軽微な変更',
  fullText: '全文',
  viewChanges: '変更点を見る',
  language: '言語',
  contentHash: 'コンテンツハッシュ',
  preamble: '前文',
  feed: '変更を購読（Atom）',
};

const byLanguage: Record<string, PageStrings> = { en, vi, ja };

export const stringsFor = (locale: string): PageStrings =>
  byLanguage[locale.split('-')[0]!.toLowerCase()] ?? en;

/** A date as the locale writes it, always in UTC so every reader sees the same day. */
export function formatDate(iso: string, locale: string): string {
  try {
    return (
      new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' }).format(
        new Date(iso),
      ) + ' UTC'
    );
  } catch {
    return iso;
  }
}

/** The name of a language in that language (`vi` → `Tiếng Việt`). */
export function languageName(locale: string): string {
  try {
    return new Intl.DisplayNames([locale], { type: 'language' }).of(locale) ?? locale;
  } catch {
    return locale;
  }
}
