"""Nothing of the lived-experience route is registered with the admin site, on purpose: only
the partnership's lived-experience coordinators may see it (issue 5), and superusers and
administrators are not coordinators. The audit trail in particular is never shown or edited
there. A test checks that no model of this app is registered."""
