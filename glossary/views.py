"""Server-rendered pages."""

from django.shortcuts import get_object_or_404, render

from glossary.models import Category, Relation, Term


def home(request):
    terms = Term.objects.visible_to(request.user).select_related("category")
    return render(
        request,
        "glossary/home.html",
        {"terms": terms, "relation_count": Relation.objects.count()},
    )


def term_detail(request, slug):
    term = get_object_or_404(Term.objects.visible_to(request.user), slug=slug)
    return render(request, "glossary/term_detail.html", {"term": term})


def category_detail(request, slug):
    category = get_object_or_404(Category, slug=slug)
    terms = category.terms.visible_to(request.user)
    return render(request, "glossary/category_detail.html", {"category": category, "terms": terms})
