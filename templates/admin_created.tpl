{{%AUTOESCAPE context="HTML"}}
{{! After an admin added a user with a generated password: shown this once. }}
<div class="acct">
<section class="acct-box" aria-labelledby="created-title">
<h1 id="created-title">User {{NAME}} created</h1>
<p class="acct-notice" role="status">The {{ROLE}} account <strong>{{NAME}}</strong> has been created.</p>
<p>Its initial password is shown on this page only, never again:</p>
<p class="acct-secret"><code>{{PASSWORD}}</code></p>
<p class="acct-muted">Pass it on through a safe channel. The user can change it under Account after signing in.</p>
<p><a href="/admin/users">Back to the users</a></p>
</section>
</div>
