// The ESM app of bench/aq-signin-esm.html: what `import 'aq-signin/define'` loads.
import 'aq-signin/define';
