import type { KeyboardEvent } from 'react';

export interface CellPosition { row: number; col: number }

/**
 * Arrow keys, Home/End and Ctrl+Home/End move the active cell of a grid (the ARIA grid
 * pattern: one tab stop, the active cell; the rest reached with the keys). Returns the new
 * position, or null when the key is not a movement.
 */
export function moveInGrid(event: KeyboardEvent, at: CellPosition, rows: number, cols: number): CellPosition | null {
  const clamp = (p: CellPosition) => ({ row: Math.max(0, Math.min(rows - 1, p.row)), col: Math.max(0, Math.min(cols - 1, p.col)) });
  switch (event.key) {
    case 'ArrowUp': return clamp({ ...at, row: at.row - 1 });
    case 'ArrowDown': return clamp({ ...at, row: at.row + 1 });
    case 'ArrowLeft': return clamp({ ...at, col: at.col - 1 });
    case 'ArrowRight': return clamp({ ...at, col: at.col + 1 });
    case 'Home': return clamp(event.ctrlKey ? { row: 0, col: 0 } : { ...at, col: 0 });
    case 'End': return clamp(event.ctrlKey ? { row: rows - 1, col: cols - 1 } : { ...at, col: cols - 1 });
    default: return null;
  }
}

/** Focuses the cell at a position of the grid element (cells carry data-row and data-col). */
export function focusCell(grid: HTMLElement | null, at: CellPosition): void {
  grid?.querySelector<HTMLElement>(`[data-row="${at.row}"][data-col="${at.col}"]`)?.focus();
}
