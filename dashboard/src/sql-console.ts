import type { StatementResult, VaneClient } from '../../src/client/index.ts';
import { VaneClientError } from '../../src/client/index.ts';
import { el } from './dom.ts';
import { formatCell, titleOf } from './format.ts';

/** Result rows shown at most. */
const MAX_RESULT_ROWS = 200;

const PLACEHOLDER = `SELECT * FROM my_view ORDER BY n DESC LIMIT 10;
-- or CREATE VIEW …; Ctrl+Enter runs`;

/**
 * Runs SQL through the SDK's `sql()` (over the WebSocket, as the user's token allows): DDL and
 * snapshot SELECTs. Shows the last statement's rows as a table and the others' messages; an
 * error shows its code, message, line and column, with the editor's caret put at that spot.
 * `onCatalogChange` runs after a successful CREATE or DROP, so the sidebar shows the new view.
 */
export class SqlConsole {
  private readonly editor = el('textarea', {
    class: 'sql-editor',
    spellcheck: 'false',
    placeholder: PLACEHOLDER,
    'aria-label': 'SQL',
  });
  private readonly runButton = el('button', { class: 'run', type: 'button', text: 'Run' });
  private readonly output = el('div', { class: 'sql-output', 'aria-live': 'polite' });

  constructor(
    container: HTMLElement,
    private readonly client: VaneClient,
    private readonly onCatalogChange: () => void,
  ) {
    this.runButton.addEventListener('click', () => void this.run());
    this.editor.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        void this.run();
      }
    });
    container.replaceChildren(
      el(
        'div',
        { class: 'section-bar' },
        el('h2', { text: 'SQL' }),
        el('span', { class: 'hint', text: 'Ctrl+Enter' }),
        this.runButton,
      ),
      this.editor,
      this.output,
    );
  }

  async run(): Promise<void> {
    const text = this.editor.value;
    if (text.trim() === '') return;
    this.runButton.disabled = true;
    this.output.replaceChildren(el('p', { class: 'muted', text: 'running…' }));
    try {
      const results = await this.client.sql(text);
      this.showResults(results);
      if (results.some((result) => /^(CREATE|DROP)\b/.test(result.statement))) {
        this.onCatalogChange();
      }
    } catch (error) {
      this.showError(text, error);
    } finally {
      this.runButton.disabled = false;
    }
  }

  private showResults(results: readonly StatementResult[]): void {
    const messages = results.map((result) =>
      el('p', { class: 'sql-message', text: `✓ ${result.message}` }),
    );
    const last = results.at(-1);
    const rows = last?.rows;
    if (last === undefined || rows === undefined) {
      this.output.replaceChildren(...messages);
      return;
    }
    const columns = last.columns?.map((column) => column.name) ?? Object.keys(rows[0] ?? {});
    const numeric = new Set(columns.filter((name) => typeof rows[0]?.[name] === 'number'));
    const table = el(
      'table',
      { class: 'rows result' },
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          ...columns.map((name) =>
            el('th', { class: numeric.has(name) ? 'num' : undefined, text: name }),
          ),
        ),
      ),
      el(
        'tbody',
        {},
        ...rows.slice(0, MAX_RESULT_ROWS).map((row) =>
          el(
            'tr',
            {},
            ...columns.map((name) =>
              el('td', {
                class: typeof row[name] === 'number' ? 'num' : undefined,
                title: titleOf(row[name]),
                text: formatCell(row[name]),
              }),
            ),
          ),
        ),
      ),
    );
    const shown = rows.length > MAX_RESULT_ROWS ? ` (first ${MAX_RESULT_ROWS} shown)` : '';
    this.output.replaceChildren(
      ...messages.slice(0, -1),
      el('p', {
        class: 'sql-message',
        text: `✓ ${rows.length} row${rows.length === 1 ? '' : 's'}${shown}`,
      }),
      el('div', { class: 'result-box' }, table),
    );
  }

  private showError(text: string, error: unknown): void {
    const failure =
      error instanceof VaneClientError
        ? error
        : new VaneClientError('INTERNAL', error instanceof Error ? error.message : String(error));
    const where =
      failure.line === undefined ? '' : ` at line ${failure.line}, column ${failure.column ?? 1}`;
    const parts: HTMLElement[] = [
      el('p', {
        class: 'sql-error',
        'data-code': failure.code,
        text: `${failure.code}${where}: ${failure.message}`,
      }),
    ];
    if (failure.line !== undefined) {
      const line = text.split('\n')[failure.line - 1] ?? '';
      const column = Math.max(1, failure.column ?? 1);
      parts.push(el('pre', { class: 'sql-caret', text: `${line}\n${' '.repeat(column - 1)}^` }));
      this.placeCaret(text, failure.line, column);
    }
    this.output.replaceChildren(...parts);
  }

  /** Selects the character at (line, column), 1-based, so the editor shows where it failed. */
  private placeCaret(text: string, line: number, column: number): void {
    const lines = text.split('\n');
    let offset = 0;
    for (let index = 0; index < line - 1 && index < lines.length; index++) {
      offset += lines[index]!.length + 1;
    }
    offset = Math.min(text.length, offset + column - 1);
    this.editor.focus();
    this.editor.setSelectionRange(offset, Math.min(text.length, offset + 1));
  }
}
