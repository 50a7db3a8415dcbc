// Placeholder: filled in by the module's owner.
import type { CommandSpec } from '../command.js';

export const stringCommands: readonly CommandSpec[] = [];
