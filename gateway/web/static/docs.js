// The API documentation page: Swagger UI (served by the platform) over /openapi.json, made
// accessible (axe-core: nested-interactive, select-name; the colours are in docs.css).
"use strict";

// An operation's summary row is one <button> (it opens the operation); with deep linking
// Swagger UI puts a link (<a href="#/tag/operation">) for the path inside that button, a
// focusable control inside another that keyboards and screen readers cannot use apart.
// The path is rendered as text; deep linking itself stays: opening an operation still
// sets the address's #/tag/operation and such an address still opens it.
const PlainOperationPath = () => ({
  wrapComponents: {
    OperationSummaryPath: (Original, system) => (props) => system.React.createElement(
      Original, { ...props,
                  operationProps: props.operationProps.set("isDeepLinkingEnabled", false) }),
  },
});

// What Swagger UI renders without a name or keyboard access, mended whenever it renders:
// - the server choice, a <select id="servers"> in an empty <label>: the page's word for it;
// - a parameter's choice of values (a <select> in its row): the parameter's name;
// - an example (a <pre> that scrolls sideways): focusable, so keys can scroll it;
// - the Authorize dialog's close button (an icon only): the page's word for it; its
//   «Authorize» buttons are named «Apply credentials», a name that does not hold the
//   visible word (voice control users say what they see): their text names them.
function mend(node) {
  const serverName = node.dataset.serversLabel;
  const closeName = node.dataset.closeLabel;
  const name = (element, text) => {
    if (text && element.getAttribute("aria-label") !== text) {
      element.setAttribute("aria-label", text);
    }
  };
  const apply = () => {
    const servers = node.querySelector("select#servers");
    if (servers) name(servers, serverName);
    for (const select of node.querySelectorAll("tr[data-param-name] select")) {
      if (!select.labels || select.labels.length === 0) {
        name(select, select.closest("tr[data-param-name]").dataset.paramName);
      }
    }
    for (const pre of node.querySelectorAll("pre.microlight:not([tabindex])")) {
      pre.setAttribute("tabindex", "0");
    }
    for (const close of node.querySelectorAll("button.close-modal")) name(close, closeName);
    for (const button of node.querySelectorAll(".auth-btn-wrapper button[aria-label]")) {
      button.removeAttribute("aria-label");
    }
  };
  new MutationObserver(apply).observe(node, { childList: true, subtree: true });
  apply();
}

document.addEventListener("DOMContentLoaded", () => {
  const node = document.getElementById("swagger-ui");
  mend(node);
  window.SwaggerUIBundle({ url: node.dataset.url, domNode: node, deepLinking: true,
                           tryItOutEnabled: false, plugins: [PlainOperationPath] });
});
