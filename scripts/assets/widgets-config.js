// Loaded after require.js and before the ipywidgets HTML manager (_config.yml, nb_ipywidgets_js).
// The manager looks for its icon fonts next to the URL require.js gives its module,
// by default relative to the page; map that module to the folder beside this file, so
// pages in every folder find the fonts, online and from file://.
require.config({
  paths: {
    "@jupyter-widgets/html-manager/dist": document.currentScript.src.replace(/[^/]*$/, "html-manager"),
  },
});
