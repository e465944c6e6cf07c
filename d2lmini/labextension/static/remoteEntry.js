/* d2lmini's JupyterLab 4 extension, written by hand (no build step): figure descriptions as alt text, and
 * names and live regions for the course's widgets.
 *
 * The course keeps the text alternative of a code cell's figure in the cell's metadata,
 * `metadata.d2lmini.alt` (a figure the notebook commits) or `metadata.d2lmini.widget_alt` (the figure a
 * widget in that cell draws live in the browser; the committed notebook has no image for it).
 * JupyterLab's image renderer ignores both, so this plugin copies the description onto every <img> in the
 * cell's outputs: on opening, after re-execution, and whenever an output is redrawn (a live Animator's
 * display updates, a widget's Output). A figure whose cell has no description keeps no alt: tests catch it.
 *
 * ipywidgets 8 draws a slider's handle as a div with role="slider" but no accessible name, and its label is a
 * <label> tied to nothing; its aria-valuetext is the exponent of a FloatLogSlider, not the value shown. The
 * plugin names each handle (and the editable readout) by the slider's label and gives it the readout's text.
 * A widget with the class `d2lmini-status` (the lessons' result lines) becomes a polite live region
 * (role="status"), so a screen reader announces each new result.
 *
 * JupyterLab's cell editors (CodeMirror, role="textbox") have no accessible name either: each gets one,
 * "code cell 3", "markdown cell 4", so a screen reader says where the cursor is.
 *
 * JupyterLab loads a federated extension as a module-federation container: it runs this script, then
 * calls window._JUPYTERLAB[name].init(shareScope) and .get("./extension"), and activates the plugin(s)
 * default-exported by the module that factory returns. The INotebookTracker token must be the very object
 * JupyterLab's own notebook plugin provides, so it is taken from the shared scope, not bundled.
 */
(function () {
  "use strict";

  var NAME = "@d2lmini/a11y";
  var scope = null;
  var labels = 0;

  function newer(a, b) {
    // true if version string a is newer than b (numeric parts first, a pre-release after its release)
    var pa = a.split(/[.-]/), pb = b.split(/[.-]/);
    for (var i = 0; i < Math.max(pa.length, pb.length); i++) {
      var x = pa[i], y = pb[i];
      if (x === y) continue;
      if (x === undefined) return true;
      if (y === undefined) return false;
      var nx = /^\d+$/.test(x), ny = /^\d+$/.test(y);
      if (nx && ny) return Number(x) > Number(y);
      if (nx !== ny) return nx;
      return x > y;
    }
    return false;
  }

  function shared(pkg) {
    // the module JupyterLab shares as `pkg` (its newest version), as a promise
    var versions = scope && scope[pkg];
    if (!versions || !Object.keys(versions).length) {
      return Promise.reject(new Error(NAME + ": JupyterLab shares no " + pkg));
    }
    var best = Object.keys(versions).reduce(function (a, b) { return newer(b, a) ? b : a; });
    var entry = versions[best];
    entry.loaded = 1;
    return Promise.resolve(entry.get()).then(function (factory) { return factory(); });
  }

  function description(cell) {
    var meta = (cell.model && cell.model.getMetadata && cell.model.getMetadata("d2lmini")) || {};
    var text = typeof meta.alt === "string" && meta.alt.trim() ? meta.alt : meta.widget_alt;
    return typeof text === "string" && text.trim() ? text.trim() : null;
  }

  function describe(notebook) {
    // name every cell's editor; give every <img> in each code cell's outputs its cell's description
    notebook.widgets.forEach(function (cell, index) {
      var editor = cell.model && cell.node.querySelector(".cm-content");
      if (editor) set(editor, "aria-label", cell.model.type + " cell " + (index + 1));
      if (!cell.model || cell.model.type !== "code" || !cell.outputArea) return;
      var alt = description(cell);
      if (alt === null) return;
      cell.outputArea.node.querySelectorAll("img").forEach(function (img) {
        set(img, "alt", alt);
      });
    });
  }

  function set(el, name, value) {
    if (el.getAttribute(name) !== value) el.setAttribute(name, value);
  }

  function labelWidgets(root) {
    // result lines announced; slider handles and readouts named by their label, valued by their readout
    root.querySelectorAll(".d2lmini-status").forEach(function (el) {
      set(el, "role", "status");
      set(el, "aria-live", "polite");
      set(el, "aria-atomic", "true");
    });
    root.querySelectorAll(".widget-slider").forEach(function (slider) {
      var label = slider.querySelector(":scope > .widget-label");
      var handle = slider.querySelector('[role="slider"]');
      var readout = slider.querySelector(":scope > .widget-readout");
      if (!label || !handle || !label.textContent.trim()) return;
      if (!label.id) label.id = "d2lmini-widget-label-" + ++labels;
      set(handle, "aria-labelledby", label.id);
      if (readout) {
        set(readout, "role", "textbox");
        set(readout, "aria-labelledby", label.id);
        var text = readout.textContent.trim();
        if (text) set(handle, "aria-valuetext", text);
      }
    });
  }

  function watch(panel) {
    var notebook = panel.content, pending = false;
    function schedule() {
      if (pending || notebook.isDisposed) return;
      pending = true;
      Promise.resolve().then(function () {
        pending = false;
        if (notebook.isDisposed) return;
        describe(notebook);
        labelWidgets(panel.node);
      });
    }
    // outputs drawn, replaced or updated in place (new <img> or a new src), cells scrolled into the DOM,
    // a slider moved (its readout's text, the handle's aria-valuetext)
    var observer = new MutationObserver(function (records) {
      // typing in a cell's editor changes nothing this plugin looks at
      var outside = records.some(function (r) {
        var el = r.target.nodeType === 1 ? r.target : r.target.parentElement;
        return !el || !el.closest(".jp-InputArea");
      });
      if (outside) schedule();
    });
    observer.observe(panel.node, {childList: true, subtree: true, characterData: true, attributes: true,
                                  attributeFilter: ["src", "aria-valuetext"]});
    // a description added or edited: every cell's metadata, including cells added later
    var connected = new WeakSet();
    function connectCells() {
      if (!notebook.model) return;
      for (var i = 0; i < notebook.model.cells.length; i++) {
        var model = notebook.model.cells.get(i);
        if (!connected.has(model) && model.metadataChanged) {
          connected.add(model);
          model.metadataChanged.connect(schedule);
        }
      }
      schedule();
    }
    function onModel() {
      if (notebook.model) notebook.model.cells.changed.connect(connectCells);
      connectCells();
    }
    notebook.modelChanged.connect(onModel);
    onModel();
    panel.disposed.connect(function () { observer.disconnect(); });
  }

  function plugin(notebookModule) {
    return {
      id: NAME + ":plugin",
      description: "Figures get their code cell's description (metadata d2lmini.alt) as alt text; widget sliders and "
        + "result lines get names and live regions.",
      autoStart: true,
      requires: [notebookModule.INotebookTracker],
      activate: function (app, tracker) {
        tracker.forEach(watch);
        tracker.widgetAdded.connect(function (sender, panel) { watch(panel); });
      }
    };
  }

  var modules = {
    "./extension": function () {
      return shared("@jupyterlab/notebook").then(function (notebookModule) {
        return function () { return {__esModule: true, default: [plugin(notebookModule)]}; };
      });
    }
  };

  window._JUPYTERLAB = window._JUPYTERLAB || {};
  window._JUPYTERLAB[NAME] = {
    init: function (shareScope) { scope = shareScope; },
    get: function (module) {
      if (!Object.prototype.hasOwnProperty.call(modules, module)) {
        return Promise.reject(new Error(NAME + ': module "' + module + '" does not exist in container'));
      }
      return modules[module]();
    }
  };
})();
