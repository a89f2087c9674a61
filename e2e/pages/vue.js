// <aq-signin> in a Vue template, as README's Vue section shows: the tag declared a custom element,
// static attributes, and @aq-* listeners. Vue's full build compiles the template in the page.
import { createApp } from 'vue/dist/vue.esm-bundler.js';
import '/src/define.ts';

window.__heard = [];
const app = createApp({
  template: `<aq-signin issuer="http://localhost:3100" client-id="demo" size="large" avatar
    @aq-profile="(e) => heard('aq-profile', e.detail.profile.sub)"
    @aq-logout="(e) => heard('aq-logout', e.detail.reason)" />`,
  methods: {
    heard: (type, value) => window.__heard.push({ type, value }),
  },
});
app.config.compilerOptions.isCustomElement = (tag) => tag === 'aq-signin';
app.mount('#app');
