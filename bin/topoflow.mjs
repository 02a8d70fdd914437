#!/usr/bin/env node
// The topoflow command from a checkout: runs the compiled CLI.
import '../cli/dist/main.js';
