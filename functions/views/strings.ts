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
  /** Table of contents. */
  contents: string;
  /** Old-version banner: `replacedBy(3, date)`. */
  replacedBy: (version: number, date: string) => string;
  readVersion: (version: number) => string;
  currentVersion: (version: number) => string;
  /** `?locale=` asked for a language the revision lacks: names both (in this page's language). */
  languageMissing: (asked: string, shown: string) => string;
  /** Redline navigation between changed sections. */
  nextChange: string;
  previousChange: string;
  backToSummary: string;
  /** On a redline cut into pages: the link from its last change to the next page of sections. */
  nextSections: string;
  /** Screen-reader labels inside `<ins>`/`<del>` (visually hidden), with their trailing separator. */
  insertedLabel: string;
  deletedLabel: string;
  legend: string;
  insertedText: string;
  deletedText: string;
  /** The `+N / −M` line counts in words. */
  lineCounts: (added: number, removed: number) => string;
  countsMeaning: string;
  /** A redline read backwards (`from` newer than `to`). */
  reversed: (newer: number, older: number) => string;
  forwardLink: (older: number, newer: number) => string;
  summaryOf: (version: number) => string;
  /** A text page or redline too large for one page (the beginning, or a window of sections, is shown). */
  textCut: string;
  wholeTextJson: string;
  changesCut: (a: {
    from: number;
    to: number;
    total: number;
    more: number;
    changed: number;
    added: number;
    removed: number;
    modified: number;
  }) => string;
  sectionsInPart: (n: number) => string;
  firstSections: string;
  wholeDiffUnified: string;
  fullNewText: string;
  /** Error pages. */
  notFoundTitle: string;
  notFoundText: string;
  badRequestTitle: string;
  badRequestText: string;
  errorTitle: string;
  errorText: string;
  errorDetails: string;
  policyHome: string;
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
  contents: 'Contents',
  replacedBy: (v, d) => `This is an old version. Version ${v} replaced it on ${d}.`,
  readVersion: (v) => `Read version ${v}`,
  currentVersion: (v) => `Current version (${v})`,
  languageMissing: (asked, shown) => `This text is not available in ${asked}. It is shown in ${shown}.`,
  nextChange: 'Next change',
  previousChange: 'Previous change',
  backToSummary: 'Back to the summary',
  nextSections: 'Next sections (next page)',
  insertedLabel: 'inserted: ',
  deletedLabel: 'deleted: ',
  legend: 'How to read this page',
  insertedText: 'inserted text',
  deletedText: 'deleted text',
  lineCounts: (a, r) =>
    `${a} ${a === 1 ? 'line' : 'lines'} added, ${r} ${r === 1 ? 'line' : 'lines'} removed`,
  countsMeaning: '+ / −: lines added / removed',
  reversed: (newer, older) =>
    `Shown in reverse: from the newer version ${newer} back to the older version ${older}. Inserted text is only in version ${older}; deleted text is only in version ${newer}.`,
  forwardLink: (older, newer) => `Show the changes from version ${older} to version ${newer}`,
  summaryOf: (v) => `Summary of version ${v}`,
  textCut: 'This text is too large for one page: its beginning is shown.',
  wholeTextJson: 'Whole text (JSON)',
  changesCut: (a) =>
    `This change is too large for one page: sections ${a.from}–${a.to} of ${a.total} are shown; ${a.more} more (${a.changed} changed: ${a.added} added, ${a.removed} removed, ${a.modified} modified) are not.`,
  sectionsInPart: (n) => `${n} ${n === 1 ? 'section' : 'sections'} shown in part.`,
  firstSections: 'First sections',
  wholeDiffUnified: 'Whole diff (unified)',
  fullNewText: 'Full new text',
  notFoundTitle: 'Page not found',
  notFoundText: 'There is no policy, version or page at this address.',
  badRequestTitle: 'This address is not valid',
  badRequestText: 'Part of the address cannot be read. Check the link you followed.',
  errorTitle: 'Something went wrong',
  errorText: 'This page cannot be shown right now. Please try again later.',
  errorDetails: 'Details',
  policyHome: 'Current text of the policy',
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
  contents: 'Mục lục',
  replacedBy: (v, d) => `Đây là phiên bản cũ. Phiên bản ${v} đã thay thế phiên bản này từ ${d}.`,
  readVersion: (v) => `Xem phiên bản ${v}`,
  currentVersion: (v) => `Phiên bản hiện hành (${v})`,
  languageMissing: (asked, shown) =>
    `Văn bản này không có bằng ${asked}. Văn bản được hiển thị bằng ${shown}.`,
  nextChange: 'Thay đổi tiếp theo',
  previousChange: 'Thay đổi trước',
  backToSummary: 'Về phần tóm tắt',
  nextSections: 'Các mục tiếp theo (trang sau)',
  insertedLabel: 'đã thêm: ',
  deletedLabel: 'đã xoá: ',
  legend: 'Cách đọc trang này',
  insertedText: 'nội dung được thêm',
  deletedText: 'nội dung bị xoá',
  lineCounts: (a, r) => `${a} dòng được thêm, ${r} dòng bị xoá`,
  countsMeaning: '+ / −: số dòng được thêm / bị xoá',
  reversed: (newer, older) =>
    `Hiển thị theo chiều ngược: từ phiên bản mới hơn ${newer} về phiên bản cũ hơn ${older}. Nội dung được thêm chỉ có trong phiên bản ${older}; nội dung bị xoá chỉ có trong phiên bản ${newer}.`,
  forwardLink: (older, newer) => `Xem thay đổi từ phiên bản ${older} đến phiên bản ${newer}`,
  summaryOf: (v) => `Tóm tắt của phiên bản ${v}`,
  textCut: 'Văn bản này quá dài cho một trang: chỉ hiển thị phần đầu.',
  wholeTextJson: 'Toàn văn (JSON)',
  changesCut: (a) =>
    `Thay đổi này quá lớn cho một trang: hiển thị các mục ${a.from}–${a.to} trong ${a.total}; ${a.more} mục khác (${a.changed} mục thay đổi: ${a.added} thêm mới, ${a.removed} đã bỏ, ${a.modified} đã sửa) không được hiển thị.`,
  sectionsInPart: (n) => `${n} mục chỉ được hiển thị một phần.`,
  firstSections: 'Các mục đầu',
  wholeDiffUnified: 'Toàn bộ khác biệt (unified)',
  fullNewText: 'Toàn văn bản mới',
  notFoundTitle: 'Không tìm thấy trang',
  notFoundText: 'Không có chính sách, phiên bản hay trang nào tại địa chỉ này.',
  badRequestTitle: 'Địa chỉ không hợp lệ',
  badRequestText: 'Một phần của địa chỉ không đọc được. Vui lòng kiểm tra lại đường dẫn.',
  errorTitle: 'Đã xảy ra lỗi',
  errorText: 'Hiện không thể hiển thị trang này. Vui lòng thử lại sau.',
  errorDetails: 'Chi tiết',
  policyHome: 'Văn bản hiện hành của chính sách',
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
  contents: '目次',
  replacedBy: (v, d) => `これは旧バージョンです。${d}にバージョン${v}に置き換えられました。`,
  readVersion: (v) => `バージョン${v}を読む`,
  currentVersion: (v) => `現行バージョン（${v}）`,
  languageMissing: (asked, shown) => `この文書は${asked}では提供されていません。${shown}で表示しています。`,
  nextChange: '次の変更',
  previousChange: '前の変更',
  backToSummary: '概要に戻る',
  nextSections: '次の条項（次のページ）',
  insertedLabel: '挿入: ',
  deletedLabel: '削除: ',
  legend: 'このページの見方',
  insertedText: '挿入された文言',
  deletedText: '削除された文言',
  lineCounts: (a, r) => `${a}行追加、${r}行削除`,
  countsMeaning: '+ / −：追加された行数 / 削除された行数',
  reversed: (newer, older) =>
    `逆方向に表示しています：新しいバージョン${newer}から古いバージョン${older}へ。挿入された文言はバージョン${older}のみに、削除された文言はバージョン${newer}のみにあります。`,
  forwardLink: (older, newer) => `バージョン${older}からバージョン${newer}への変更を表示`,
  summaryOf: (v) => `バージョン${v}の概要`,
  textCut: 'この文書は1ページに収まらないため、冒頭のみを表示しています。',
  wholeTextJson: '全文（JSON）',
  changesCut: (a) =>
    `この変更は1ページに収まりません：全${a.total}条項のうち${a.from}～${a.to}を表示しています。残り${a.more}条項（変更${a.changed}：追加${a.added}、削除${a.removed}、変更${a.modified}）は表示されていません。`,
  sectionsInPart: (n) => `${n}条項は一部のみ表示しています。`,
  firstSections: '最初の条項',
  wholeDiffUnified: '差分全体（unified）',
  fullNewText: '新しい全文',
  notFoundTitle: 'ページが見つかりません',
  notFoundText: 'このアドレスにはポリシー、バージョン、ページのいずれもありません。',
  badRequestTitle: 'アドレスが正しくありません',
  badRequestText: 'アドレスの一部を読み取れません。リンクを確認してください。',
  errorTitle: 'エラーが発生しました',
  errorText: '現在このページを表示できません。しばらくしてから再度お試しください。',
  errorDetails: '詳細',
  policyHome: 'ポリシーの現行版',
};

const byLanguage: Record<string, PageStrings> = { en, vi, ja };

const languageOf = (locale: string) => locale.split('-')[0]!.toLowerCase();

export const stringsFor = (locale: string): PageStrings => byLanguage[languageOf(locale)] ?? en;

/** The language the pages' own words are in for a locale: its language when the pages speak it, else `en`. */
export const uiLanguage = (locale: string): string =>
  byLanguage[languageOf(locale)] === undefined ? 'en' : languageOf(locale);

/**
 * The first of the candidates (locales, best first) whose language the pages speak, as a bare language
 * (`vi-VN` → `vi`); `en` when none is. Anything else (an invalid tag, a language without strings) is
 * skipped, so the result is always a valid `lang`.
 */
export function pickUiLanguage(candidates: readonly (string | undefined)[]): string {
  for (const c of candidates) {
    if (c !== undefined && byLanguage[languageOf(c)] !== undefined) return languageOf(c);
  }
  return 'en';
}

/** An `Accept-Language` header's languages, most preferred first (`q=0` and `*` left out). */
export function acceptedLanguages(header: string | undefined): string[] {
  if (!header) return [];
  return header
    .split(',')
    .slice(0, 20)
    .map((part, i) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { tag: tag.trim(), q: q === undefined ? 1 : Number(q), i };
    })
    .filter(
      (x) => x.tag !== '' && x.tag !== '*' && x.q > 0 && /^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/.test(x.tag),
    )
    .sort((a, b) => b.q - a.q || a.i - b.i)
    .map((x) => x.tag);
}

/**
 * A moment as the locale writes it, with its time zone: always UTC, so that every reader sees the same
 * day and hour (`1 January 2027 at 00:00 UTC`, `lúc 00:00 UTC 1 tháng 1, 2027`).
 */
export function formatDate(iso: string, locale: string): string {
  try {
    return new Intl.DateTimeFormat(locale, {
      year: 'numeric',
      month: 'long',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZone: 'UTC',
      timeZoneName: 'short',
    }).format(new Date(iso));
  } catch {
    return iso;
  }
}

/** The name of a language in that language (`vi` → `Tiếng Việt`). */
export function languageName(locale: string): string {
  return languageNameIn(locale, locale);
}

/** The name of a language in another one (`vi` in `en` → `Vietnamese`). */
export function languageNameIn(locale: string, inLocale: string): string {
  try {
    return new Intl.DisplayNames([inLocale], { type: 'language' }).of(locale) ?? locale;
  } catch {
    return locale;
  }
}
