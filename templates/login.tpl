{{%AUTOESCAPE context="HTML"}}
{{! The sign-in form; POST /login checks CSRF (cookie and field equal). }}
<section class="card" aria-labelledby="login-title">
<h1 id="login-title">Sign in</h1>
{{#ERROR}}<p class="error" role="alert">{{ERROR}}</p>{{/ERROR}}
<form method="post" action="/login">
<input type="hidden" name="{{CSRF_FIELD}}" value="{{CSRF}}">
<input type="hidden" name="next" value="{{NEXT}}">
<div class="field">
<label for="login-user">User name</label>
<input id="login-user" name="user" type="text" required maxlength="64"
 value="{{USER}}" autocomplete="username" autocapitalize="none" spellcheck="false" autofocus>
</div>
<div class="field">
<label for="login-password">Password</label>
<input id="login-password" name="password" type="password" required
 maxlength="1024" autocomplete="current-password">
</div>
<button type="submit">Sign in</button>
</form>
</section>
