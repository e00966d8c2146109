// Vitest setup file: every test file runs with the network guard on.
import { installNetworkGuard } from './network-guard.js';

installNetworkGuard();
