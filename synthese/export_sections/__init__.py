"""The sections of the synthèse's export (synthese.exports): each module builds the sheets of a
few sections from the same rows as the synthèse's tabs (``Tab.rows`` and the tabs' filters)."""
