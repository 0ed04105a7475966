{{%AUTOESCAPE context="HTML"}}
{{! The frame of every panel page; the page's own template is CONTENT. }}
{{! No inline script or style: the CSP allows only /static/ files. }}
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>{{TITLE}} · BackupMX</title>
<link rel="stylesheet" href="/static/panel.css">
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="site">
<a class="brand" href="/"><img src="/static/favicon.svg" alt="" width="24" height="24"> BackupMX</a>
<span class="tagline">Backup mail exchanger</span>
{{#NAV}}
<nav class="main" aria-label="Main">
<ul>
{{#ITEM}}<li><a href="{{HREF}}"{{#CURRENT}} aria-current="page"{{/CURRENT}}>{{LABEL}}</a></li>
{{/ITEM}}</ul>
</nav>
<form class="signout" method="post" action="/logout">
<input type="hidden" name="csrf" value="{{CSRF}}">
<span class="who">{{USER}}</span> <button type="submit" class="link">Sign out</button>
</form>
{{/NAV}}
</header>
<main id="main">
{{>CONTENT}}
</main>
<footer class="site">
<p>BackupMX control panel</p>
</footer>
</body>
</html>
