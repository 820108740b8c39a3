document.title = "reachd";
