// Loads a built-in language's texts (languages other than English ship as separate modules).
// Kept as its own file so bundlers see the `import()` pattern and emit one chunk per language.
export const loadLanguage = (tag) => import(`./i18n/${tag}.js`).then((m) => m.default);
