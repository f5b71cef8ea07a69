/* Quorum's rich-text editor: Quill 2 on top of a plain <textarea data-editor>.
 * Without JavaScript the textarea is the editor; with it, Quill writes its semantic
 * HTML into the same textarea (and sets body_format=html), which the server cleans.
 * Images are uploaded to the site; Quill's default base64 images are never used.
 * Quill's own words (heading names, the link tooltip) come translated from the page's
 * <meta name="editor-labels">; static/css/editor.css shows them and lays them out in
 * both directions. Nothing here applies an inline style the page's CSP would refuse. */
(function () {
  "use strict";

  var TOOLBARS = {
    post: [
      [{ header: [1, 2, 3, false] }],
      ["bold", "italic", "underline", "strike"],
      [{ list: "ordered" }, { list: "bullet" }],
      ["blockquote", "code-block"],
      ["link", "image"],
      ["clean"],
    ],
    comment: [
      ["bold", "italic", "underline", "strike"],
      [{ list: "ordered" }, { list: "bullet" }],
      ["blockquote", "code-block"],
      ["link"],
      ["clean"],
    ],
  };

  // What Quill may create, whatever is pasted: what the server keeps (webapp/sanitize.py)
  // and nothing more. A pasted <iframe> becomes no video embed, a table no table.
  var FORMATS = [
    "header", "bold", "italic", "underline", "strike", "code", "link",
    "list", "blockquote", "code-block", "image", "align", "indent", "direction",
  ];

  function readLabels() {
    var meta = document.querySelector('meta[name="editor-labels"]');
    try {
      return meta ? JSON.parse(meta.content) : {};
    } catch (error) {
      return {};
    }
  }

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];
    } catch (error) {
      return "";
    }
  }

  function labelToolbar(toolbar, labels) {
    toolbar.setAttribute("role", "toolbar");
    toolbar.setAttribute("aria-label", labels.toolbar || "Formatting");
    toolbar.querySelectorAll("button").forEach(function (button) {
      var format = Array.prototype.find.call(button.classList, function (name) {
        return name.indexOf("ql-") === 0;
      });
      if (!format) return;
      var key = format.slice(3) + (button.value ? ":" + button.value : "");
      var label = labels[key] || labels[format.slice(3)];
      if (label) {
        button.setAttribute("aria-label", label);
        button.title = label;
      }
    });
    toolbar.querySelectorAll(".ql-picker-label").forEach(function (picker) {
      picker.setAttribute("aria-label", labels.header || "Heading");
    });
  }

  // Quill parses HTML (a paste, or what the page hands it) in this document, where every
  // style attribute is an inline style that the Content-Security-Policy refuses and
  // reports. The server keeps no styles, so they go before Quill parses the HTML:
  // <style> blocks, and style attributes inside tags (quoted values are skipped whole,
  // so text that merely reads style="..." is left alone).
  var STYLE_BLOCK = /<style\b[^>]*>[\s\S]*?<\/style\s*>/gi;
  var TAG = /<[a-zA-Z][^\s\/>]*(?:"[^"]*"|'[^']*'|[^'">])*>/g;
  var ATTRIBUTE = /[\s\/]+([^\s"'>\/=]+)(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?/g;

  function withoutStyles(html) {
    return String(html)
      .replace(STYLE_BLOCK, "")
      .replace(TAG, function (tag) {
        return tag.replace(ATTRIBUTE, function (attribute, name) {
          return name.toLowerCase() === "style" ? "" : attribute;
        });
      });
  }

  function parseWithoutStyles(quill) {
    var clipboard = quill.clipboard;
    var convert = clipboard.convert;
    // convert() is where pastes and dangerouslyPasteHTML turn HTML into Quill's content.
    clipboard.convert = function (data) {
      var args = Array.prototype.slice.call(arguments);
      if (data && data.html) {
        args[0] = Object.assign({}, data, { html: withoutStyles(data.html) });
      }
      return convert.apply(clipboard, args);
    };
  }

  // Quill draws these words with CSS (::before/::after); editor.css reads them from
  // these attributes instead of Quill's English ones.
  function translateQuill(holder, labels) {
    var picker = holder.querySelector(".ql-picker.ql-header");
    if (picker) {
      picker.querySelectorAll(".ql-picker-item").forEach(function (item) {
        var name = labels["header:" + (item.getAttribute("data-value") || "")];
        if (!name) return;
        item.setAttribute("data-label", name);
        item.setAttribute("aria-label", name); // generated text alone names no button
      });
      // Quill copies the chosen item's data-label onto the picker's label when the
      // choice changes; the first choice was made before the items had one.
      var chosen = picker.querySelector(".ql-picker-item.ql-selected");
      var label = picker.querySelector(".ql-picker-label");
      if (chosen && label && chosen.hasAttribute("data-label")) {
        label.setAttribute("data-label", chosen.getAttribute("data-label"));
      }
    }
    var tooltip = holder.querySelector(".ql-tooltip");
    if (!tooltip) return;
    setLabel(tooltip, "data-label-visit", labels.link_visit);
    setLabel(tooltip, "data-label-enter", labels.link_enter);
    setLabel(tooltip.querySelector("a.ql-action"), "data-label-edit", labels.link_edit);
    setLabel(tooltip.querySelector("a.ql-action"), "data-label-save", labels.link_save);
    setLabel(tooltip.querySelector("a.ql-remove"), "data-label", labels.link_remove);
    var preview = tooltip.querySelector("a.ql-preview");
    if (preview) preview.setAttribute("dir", "ltr"); // a web address reads left to right
    var input = tooltip.querySelector("input[type=text]");
    if (input) {
      input.setAttribute("data-link", "https://"); // Quill's placeholder for a link
      input.setAttribute("dir", "ltr");
      input.setAttribute("aria-label", labels.link_address || "Link address");
    }
  }

  // Quill places the link tooltip before it switches to the mode's label ("Enter link:"
  // replaces "Visit URL:"): a translation of another length would then stick out of the
  // editor. Place it again once the label is there.
  function placeTooltipAfterEditing(quill) {
    var tooltip = quill.theme && quill.theme.tooltip;
    if (!tooltip || typeof tooltip.edit !== "function") return;
    var edit = tooltip.edit;
    tooltip.edit = function () {
      edit.apply(tooltip, arguments);
      var range = quill.selection.savedRange;
      var bounds = range ? quill.getBounds(range) : null;
      if (bounds) tooltip.position(bounds);
    };
  }

  function setLabel(element, name, value) {
    if (element && value) element.setAttribute(name, value);
  }

  function showError(holder, message) {
    var status = holder.querySelector(".editor__status");
    status.textContent = message;
  }

  function uploadImage(quill, holder, uploadUrl, labels) {
    var input = document.createElement("input");
    input.type = "file";
    input.accept = "image/png,image/jpeg,image/gif,image/webp";
    input.addEventListener("change", function () {
      if (!input.files || !input.files[0]) return;
      var data = new FormData();
      data.append("image", input.files[0]);
      showError(holder, labels.uploading || "");
      fetch(uploadUrl, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
      })
        .then(function (response) {
          return response.json().then(function (body) {
            return { ok: response.ok, body: body };
          });
        })
        .then(function (result) {
          if (!result.ok) throw new Error(result.body.error.message);
          var range = quill.getSelection(true);
          quill.insertEmbed(range.index, "image", result.body.url, "user");
          quill.setSelection(range.index + 1, 0);
          showError(holder, "");
        })
        .catch(function (error) {
          showError(holder, error.message || labels.upload_failed || "Upload failed");
        });
    });
    input.click();
  }

  function enhance(textarea, labels) {
    if (textarea.dataset.enhanced || typeof Quill === "undefined") return;
    textarea.dataset.enhanced = "1";
    var form = textarea.form;
    var formatInput = form.querySelector('input[name="body_format"]');
    var holder = document.createElement("div");
    holder.className = "editor";
    var surface = document.createElement("div");
    var status = document.createElement("p");
    status.className = "editor__status";
    status.setAttribute("role", "status");
    holder.appendChild(surface);
    holder.appendChild(status);
    textarea.insertAdjacentElement("afterend", holder);
    textarea.hidden = true;

    var kind = textarea.dataset.editor in TOOLBARS ? textarea.dataset.editor : "comment";
    var uploadUrl = textarea.dataset.uploadUrl;
    var quill = new Quill(surface, {
      theme: "snow",
      placeholder: labels.placeholder || "",
      bounds: holder, // the link tooltip stays within the editor, in both directions
      formats: FORMATS,
      modules: {
        toolbar: {
          container: TOOLBARS[kind],
          handlers: {
            image: function () {
              if (uploadUrl) uploadImage(quill, holder, uploadUrl, labels);
            },
          },
        },
      },
    });
    parseWithoutStyles(quill);
    translateQuill(holder, labels);
    placeTooltipAfterEditing(quill);
    if (formatInput && formatInput.value === "html") {
      // Sent back after a validation error: what the person had written in Quill,
      // cleaned by the server (an emptied editor stays empty).
      if (textarea.value) quill.clipboard.dangerouslyPasteHTML(textarea.value);
    } else if (textarea.dataset.html) {
      // Editing: the stored HTML, cleaned by the server when it was saved.
      quill.clipboard.dangerouslyPasteHTML(textarea.dataset.html);
    } else if (textarea.value) {
      quill.setText(textarea.value);
    }
    labelToolbar(holder.querySelector(".ql-toolbar"), labels);
    var label = form.querySelector('label[for="' + textarea.id + '"]');
    if (label) {
      label.id = label.id || textarea.id + "-label";
      quill.root.setAttribute("aria-labelledby", label.id);
    }
    quill.root.setAttribute("role", "textbox");
    quill.root.setAttribute("aria-multiline", "true");

    function sync() {
      textarea.value = quill.getLength() > 1 ? quill.getSemanticHTML() : "";
      if (formatInput) formatInput.value = "html";
    }
    sync();
    quill.on("text-change", sync);
    form.addEventListener("submit", sync);
  }

  function enhanceWithin(root) {
    var labels = readLabels();
    root.querySelectorAll("textarea[data-editor]").forEach(function (textarea) {
      enhance(textarea, labels);
    });
  }

  function start() {
    enhanceWithin(document);
    document.body.addEventListener("htmx:load", function (event) {
      enhanceWithin(event.detail.elt);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
