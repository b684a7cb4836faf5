/**
 * Hovers and inline values while debugging: which text to evaluate comes from evaluatable.ts;
 * the values come from the debug adapter (VS Code sends it `evaluate` requests for them).
 */
import * as vscode from 'vscode';
import { evaluatableAt, operandsOnLine } from './evaluatable.js';

export const evaluatableExpressionProvider: vscode.EvaluatableExpressionProvider = {
  provideEvaluatableExpression(document, position) {
    const found = evaluatableAt(document.lineAt(position.line).text, position.character);
    if (!found) return undefined;
    return new vscode.EvaluatableExpression(new vscode.Range(position.line, found.start, position.line, found.end), found.expression);
  },
};

/**
 * On the line where the CPU stopped: the value of every register and memory operand it names,
 * then the registers the instruction uses without naming them (`syscall`: RCX, R11; `push`:
 * RSP), which the adapter reads from the instruction itself.
 */
export const inlineValuesProvider: vscode.InlineValuesProvider = {
  async provideInlineValues(document, _viewPort, context) {
    const line = context.stoppedLocation.start.line;
    if (line >= document.lineCount) return [];
    const text = document.lineAt(line).text;
    const explicit = operandsOnLine(text);
    const values: vscode.InlineValue[] = explicit.map(
      (t) => new vscode.InlineValueEvaluatableExpression(new vscode.Range(line, t.start, line, t.end), t.expression),
    );
    const session = vscode.debug.activeDebugSession;
    if (session?.type !== 'x64emu') return values;
    try {
      const used = (await session.customRequest('x64emu.registersUsed', { frameId: context.frameId })) as { registers: Array<{ name: string }> };
      const named = new Set(explicit.map((t) => t.expression.replace(/^[%$]/, '').toLowerCase()));
      const end = new vscode.Range(line, text.length, line, text.length);
      for (const r of used.registers) if (!named.has(r.name)) values.push(new vscode.InlineValueEvaluatableExpression(end, `%${r.name}`));
    } catch {
      // A frame without an instruction (a separator row): the explicit operands are enough.
    }
    return values;
  },
};
