// <aq-signin> rendered by React 19, configured and listened to only through props
// (createElement here, so the page needs no JSX build step).
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import '/src/define.ts';
import { props } from './jsx-props.js';

window.__heard = [];
createRoot(document.getElementById('app')).render(createElement('aq-signin', props));
