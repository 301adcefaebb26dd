import pytest

from tests import factories as f


@pytest.mark.django_db
def test_cadre_list_finds_by_pinyin_initials(county_client, township):
    f.CadreFactory(name="张三", organization=township)
    f.CadreFactory(name="王五", organization=township)
    response = county_client.get("/org/cadres/", {"q": "zs"})
    assert response.status_code == 200
    assert "张三" in response.content.decode()
    assert "王五" not in response.content.decode()
