/**
 * Presenter mode: the keys a presentation clicker sends step through the open lesson.
 * Page Down, Right and Down go forward; Page Up, Left and Up go back. Keys typed into a field,
 * or moving a slider, tab or list, are left to it; a held key does not fly through the lesson.
 */

const MOVES = {PageDown: 1, ArrowRight: 1, ArrowDown: 1, PageUp: -1, ArrowLeft: -1, ArrowUp: -1};
const OWN_KEYS = 'input, textarea, select, [contenteditable], [role="slider"], [role="tab"], '
  + '[role="combobox"], [role="listbox"], [role="option"], [role="radio"], [role="menu"], '
  + '[role="menuitem"], [role="spinbutton"]';

export function mount({setTriggerValue}) {
  const onKey = (event) => {
    const move = MOVES[event.key];
    if (!move || event.repeat || event.defaultPrevented
        || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) {
      return;
    }
    const target = event.composedPath()[0];
    if (target instanceof Element && target.closest(OWN_KEYS)) {
      return;
    }
    event.preventDefault();  // the page would scroll instead
    setTriggerValue('move', move);
  };
  document.addEventListener('keydown', onKey);
  return () => document.removeEventListener('keydown', onKey);
}
