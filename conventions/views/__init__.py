"""The conventions pages: the dialogue de gestion (propose, comment, agree: `workflow`) and the
tracking list of advisors and agents (`tracking`). Each module scopes its querysets by the user."""
