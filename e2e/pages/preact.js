// <aq-signin> rendered by Preact 10, configured and listened to only through props
// (h() here, so the page needs no JSX build step).
import { h, render } from 'preact';
import '/src/define.ts';
import { props } from './jsx-props.js';

window.__heard = [];
render(h('aq-signin', props), document.getElementById('app'));
