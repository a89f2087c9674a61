// Mounts e2e/pages/SignIn.svelte (compiled by the e2e server's Svelte plugin).
import { mount } from 'svelte';
import '/src/define.ts';
import SignIn from './SignIn.svelte';

window.__heard = [];
mount(SignIn, { target: document.getElementById('app') });
