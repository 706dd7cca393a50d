// Printing sheets made for paper from a screen that is not (the plan's lines, pick lists): the
// sheets go into a print-only box at the end of the body, and while it is there the @media print
// rules (styles/print.css) hide everything else. The box goes after printing or when the screen is left.
import { h } from './dom';

const HOST_CLASS = 'print-only';

/** Remove the sheets of an earlier print, if any. */
export function clearPrintSheets(): void {
  document.querySelectorAll(`.${HOST_CLASS}`).forEach((n) => n.remove());
  document.body.classList.remove('printing');
}

export function printSheets(sheets: Node[]): void {
  clearPrintSheets();
  document.body.append(h('div', { class: HOST_CLASS, 'data-testid': 'print-sheets' }, ...sheets));
  document.body.classList.add('printing');
  window.addEventListener('afterprint', clearPrintSheets, { once: true });
  window.print();
}
