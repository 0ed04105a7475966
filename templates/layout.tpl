{{%AUTOESCAPE context="HTML"}}
{{! The frame of every panel page; the page's own template is CONTENT. }}
{{! No inline script or style: the CSP allows only /static/ files. }}
{{! Navigation items are written out; page_nav() shows AT_<item>, ADMIN. }}
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
<li><a href="/cart"{{#AT_CART}} aria-current="page"{{/AT_CART}}>Cart</a></li>
<li><a href="/orders"{{#AT_ORDERS}} aria-current="page"{{/AT_ORDERS}}>Orders</a></li>
<li><a href="/portfolio"{{#AT_PORTFOLIO}} aria-current="page"{{/AT_PORTFOLIO}}>Portfolio</a></li>
<li><a href="/backupmx"{{#AT_BACKUPMX}} aria-current="page"{{/AT_BACKUPMX}}>BackupMX</a></li>
<li><a href="/zones"{{#AT_ZONES}} aria-current="page"{{/AT_ZONES}}>Zones</a></li>
<li><a href="/queue"{{#AT_QUEUE}} aria-current="page"{{/AT_QUEUE}}>Queue</a></li>
<li><a href="/api"{{#AT_API}} aria-current="page"{{/AT_API}}>API</a></li>
<li><a href="/account"{{#AT_ACCOUNT}} aria-current="page"{{/AT_ACCOUNT}}>Account</a></li>
{{#ADMIN}}<li><a href="/admin/users"{{#AT_USERS}} aria-current="page"{{/AT_USERS}}>Users</a></li>
<li><a href="/admin/audit"{{#AT_AUDIT}} aria-current="page"{{/AT_AUDIT}}>Audit log</a></li>
{{/ADMIN}}</ul>
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
