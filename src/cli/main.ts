#!/usr/bin/env node
// Placeholder: the CLI is being built.
export {};
