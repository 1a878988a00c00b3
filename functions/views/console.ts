/**
 * The staff console: one HTML page and one script (functions/views/console/app.ts, a TypeScript module
 * bundled by esbuild and served as /console/app.js; lib/console-bundle.ts builds it). The script talks to
 * the same API as everyone else with the publisher token the person signs in with (kept in
 * sessionStorage for the tab's life). Every value from the API is put into the page with textContent or
 * DOM properties; the only HTML it shows (the emails, the rendered Markdown) goes into sandboxed iframes.
 */
import { layout } from './html';

/** The console bundle's file name beside the read function's handler (lib/console-bundle.ts writes it). */
export const CONSOLE_ASSET = 'console-app.js';

export const CONSOLE_CSP =
  "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const consoleStyles = `<style>
form, fieldset { margin: 0; }
fieldset { border: 1px solid var(--line); border-radius: .5rem; padding: .75rem 1rem; margin: 1rem 0; }
legend { font-weight: 600; padding: 0 .25rem; }
label { display: block; font-weight: 600; margin: .5rem 0 .25rem; }
input[type=text], input[type=password], input[type=email], input[type=number], input[type=datetime-local], select, textarea { width: 100%; font: inherit; padding: .4rem .5rem; border: 1px solid #767676; border-radius: .35rem; box-sizing: border-box; }
textarea { min-height: 10rem; font-family: ui-monospace, "SFMono-Regular", Menlo, monospace; font-size: .9rem; }
button { font: inherit; padding: .45rem .9rem; border-radius: .35rem; border: 1px solid var(--accent); background: var(--accent); color: #fff; cursor: pointer; margin: .25rem .5rem .25rem 0; }
button.secondary { background: #fff; color: var(--accent); }
button:disabled { opacity: .5; cursor: not-allowed; }
:focus-visible { outline: 3px solid #1a56db; outline-offset: 2px; }
.row { display: flex; gap: 1rem; flex-wrap: wrap; align-items: end; }
.row > * { flex: 1 1 12rem; }
.locale-block { border-top: 1px dashed var(--line); padding-top: .5rem; margin-top: .5rem; }
[role=status] { min-height: 1.5rem; }
.error { color: var(--del-ink); }
.warning { border-left: 4px solid #b45309; background: #fff7ed; padding: .25rem .75rem; }
progress { width: 100%; height: 1.25rem; }
.diff-section { border-top: 1px solid var(--line); padding: .25rem 0; }
iframe.email, iframe.rendered { width: 100%; height: 22rem; border: 1px solid var(--line); border-radius: .35rem; background: #fff; }
pre.email-text { white-space: pre-wrap; max-height: 16rem; overflow: auto; border: 1px solid var(--line); padding: .5rem; font-size: .85rem; }
dialog { max-width: 40rem; border: 1px solid var(--line); border-radius: .5rem; padding: 1rem 1.25rem; }
dialog::backdrop { background: rgba(0, 0, 0, .45); }
dialog ul { padding-left: 1.25rem; }
[hidden] { display: none !important; }
</style>`;

export function renderConsole(): string {
  const header = `<h1>Policy console</h1><p class="meta">Publish revisions, preview what changes and who gets which email, and follow the notification.</p>`;
  const body = `${consoleStyles}
<section id="signin" aria-labelledby="signin-h">
  <h2 id="signin-h">Sign in</h2>
  <form id="signin-form">
    <label for="token">Publisher token</label>
    <input id="token" type="password" autocomplete="current-password" required>
    <button type="submit">Sign in</button>
  </form>
  <p role="status" id="signin-status" aria-live="polite"></p>
</section>

<section id="app" hidden aria-label="Console">
  <p class="meta">Signed in as publisher. Times are shown in <span id="zone"></span>. <button type="button" class="secondary" id="signout">Sign out</button></p>
  <fieldset>
    <legend>Policy</legend>
    <div class="row">
      <div><label for="policy-select">Existing policy</label><select id="policy-select"><option value="">— new policy —</option></select></div>
      <div><label for="policy-id">Policy id</label><input id="policy-id" type="text" pattern="[a-z0-9][a-z0-9-]{0,63}" placeholder="privacy" required></div>
    </div>
    <p class="meta" id="policy-info" aria-live="polite"></p>
    <div class="row">
      <div><label for="notice-days">Notice period (days before a material, notified change takes effect)</label><input id="notice-days" type="number" min="0" max="365" step="1" value="30"></div>
      <div><button type="button" class="secondary" id="save-notice">Save notice period</button></div>
    </div>
    <p role="status" id="notice-status" aria-live="polite"></p>
  </fieldset>

  <form id="publish-form" novalidate>
    <fieldset>
      <legend>Texts</legend>
      <label for="format">Format (one for every language)</label>
      <select id="format"><option value="text">Plain text</option><option value="markdown">Markdown</option></select>
      <div id="locales"></div>
      <div class="row"><div><label for="new-locale">Add a language (BCP 47 tag)</label><input id="new-locale" type="text" placeholder="en"></div><div><button type="button" class="secondary" id="add-locale">Add language</button></div></div>
    </fieldset>
    <fieldset>
      <legend>Change</legend>
      <label><input type="radio" name="change" value="material"> Material — users must acknowledge again</label>
      <label><input type="radio" name="change" value="minor"> Minor — existing acknowledgments stay valid</label>
      <label><input type="checkbox" id="notify"> Email every registered customer about this change</label>
      <label for="effective-at">Effective at, in <span id="effective-zone"></span> (empty: when published, or after the notice period for a material, notified change)</label>
      <input id="effective-at" type="datetime-local">
      <p id="effective-warning" class="warning" hidden></p>
    </fieldset>
    <button type="button" id="preview">Preview changes and emails</button>
    <button type="submit" id="publish">Publish…</button>
    <p role="status" id="publish-status" aria-live="polite"></p>
  </form>

  <dialog id="confirm-dialog" aria-labelledby="confirm-h" aria-describedby="confirm-body">
    <h2 id="confirm-h">Publish this revision?</h2>
    <div id="confirm-body"></div>
    <p id="confirm-block" class="error" hidden></p>
    <div>
      <button type="button" id="confirm-publish">Publish now</button>
      <button type="button" class="secondary" id="confirm-cancel">Cancel</button>
    </div>
  </dialog>

  <section id="preview-panel" hidden aria-labelledby="preview-h">
    <h2 id="preview-h">Preview</h2>
    <div id="preview-body"></div>
    <h3>Who gets an email</h3>
    <div id="preview-recipients"></div>
    <h3>The emails, per language</h3>
    <div class="row">
      <div><label for="test-recipient">Send a test to (your address)</label><input id="test-recipient" type="email" autocomplete="email" placeholder="you@example.com"></div>
      <div><label for="test-locale">Language of the test</label><select id="test-locale"></select></div>
      <div><button type="button" class="secondary" id="send-test">Send a test to me</button></div>
    </div>
    <p role="status" id="test-status" aria-live="polite"></p>
    <div id="preview-emails"></div>
    <h3>The texts as readers will see them</h3>
    <div id="preview-rendered"></div>
    <h3>What changed</h3>
    <div id="preview-diff"></div>
  </section>

  <section id="progress-panel" hidden aria-labelledby="progress-h">
    <h2 id="progress-h">Notification</h2>
    <progress id="progress" max="1" value="0" aria-labelledby="progress-h"></progress>
    <p role="status" id="progress-text" aria-live="polite"></p>
  </section>

  <section aria-labelledby="history-h">
    <h2 id="history-h">History</h2>
    <table class="history"><caption class="meta" id="history-caption">Every version of this policy, newest first, with its notification.</caption><thead><tr><th scope="col">Version</th><th scope="col">Change</th><th scope="col">Published</th><th scope="col">Effective</th><th scope="col">Status</th><th scope="col">Notification</th><th scope="col">Actions</th></tr></thead><tbody id="history"></tbody></table>
    <p role="status" id="history-status" aria-live="polite"></p>
    <div class="row">
      <div><label for="from">Compare from</label><select id="from"></select></div>
      <div><label for="to">to</label><select id="to"></select></div>
      <div><button type="button" class="secondary" id="compare">Open redline</button></div>
    </div>
  </section>

  <section aria-labelledby="acks-h">
    <h2 id="acks-h">Acknowledgments</h2>
    <button type="button" class="secondary" id="count">Count who has not acknowledged</button>
    <button type="button" class="secondary" id="export">Export acknowledgments (CSV)</button>
    <p role="status" id="acks-status" aria-live="polite"></p>
  </section>
</section>
<script src="/console/app.js"></script>`;
  return layout({ lang: 'en', title: 'Policy console', header, body });
}
