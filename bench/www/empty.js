// An empty script: what any script tag costs a page, the quiet page view's floor.
