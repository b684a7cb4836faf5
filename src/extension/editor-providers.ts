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

/** On the line where the CPU stopped: the value of every register and memory operand it names. */
export const inlineValuesProvider: vscode.InlineValuesProvider = {
  provideInlineValues(document, _viewPort, context) {
    const line = context.stoppedLocation.start.line;
    if (line >= document.lineCount) return [];
    return operandsOnLine(document.lineAt(line).text).map(
      (t) => new vscode.InlineValueEvaluatableExpression(new vscode.Range(line, t.start, line, t.end), t.expression),
    );
  },
};
