"""Codewords for operation names (a force picks one per operation)."""

_WORDS = """
Aconite Adder Alder Amber Anvil Apex Aspen Atlas Auburn Avocet Azure Badger Balsam Bantam
Barley Basalt Beacon Bittern Blackthorn Bluebell Bracken Bramble Brigand Bronze Buckthorn
Bullfinch Bunting Burdock Buzzard Calder Camber Candle Caraway Cargo Carrack Castle Cedar
Chalice Chamois Charter Chestnut Chiffchaff Cinder Citadel Clover Cobalt Comfrey Compass
Condor Copper Coral Cormorant Cornflower Cowslip Crane Crescent Crocus Curlew Cypress
Daffodil Damson Dawn Delta Dipper Dogwood Dolphin Dunlin Eagle Echo Eider Elder Ember
Emerald Ensign Ermine Falcon Fathom Fennel Fern Fieldfare Firecrest Flint Forge Fort
Foxglove Fulmar Gadwall Galleon Gannet Garnet Gauntlet Gentian Glacier Goldcrest Goshawk
Granite Greylag Grouse Guillemot Hawthorn Hazel Heath Heron Hickory Hobby Holly Hornbeam
Hyacinth Ibex Indigo Iris Ivory Jackdaw Jasper Juniper Kestrel Kingfisher Kite Lantern
Lapwing Larch Lark Laurel Lavender Ledger Linnet Lodestar Lupin Lynx Magnet Magpie Mallard
Mallow Maple Marble Marigold Marten Mercury Merlin Meridian Mistral Monarch Mulberry Musket
Myrtle Nettle Nightjar Nimbus Nomad Nutmeg Oak Obsidian Onyx Orchid Osprey Otter Oxbow
Palisade Pelion Pennant Peregrine Pewter Pheasant Pilgrim Pinnacle Plover Pochard Poplar
Primrose Ptarmigan Puffin Quarry Quartz Quill Rampart Raven Redwing Reed Regent Ripple Robin
Rook Rowan Ruby Saffron Sage Sandpiper Sapphire Scaup Sentinel Shale Shearwater Shoveler
Siskin Skylark Slate Sorrel Sparrow Spindle Spruce Starling Stonechat Summit Swallow Swift
Sycamore Talon Tamarisk Tansy Teal Tern Thistle Thrush Tolerance Topaz Tor Tundra Turnstone
Twite Umber Vantage Vervain Vesper Viburnum Vigil Violet Viper Wagtail Walnut Warbler
Waxwing Wheatear Whimbrel Whinchat Willow Wren Yarrow Yew Zenith Zephyr Acorn Alpine Anchor
Archer Arden Argent Arrow Ashdown Aurora Bastion Beech Birch Blaze Boulder Bridgehead
Bulwark Cairn Canopy Caravel Carnelian Cascade Chert Cirrus Cliff Cobble Coppice Corvid Cove
Crag Crest Cumulus Dale Drift Dune Eddy Estuary Fell Fjord Gale Glen Gorse Harrier Helm
Horizon Inlet Keel Kelp Knoll Lagoon Ledge Loch Marram Meadow Mica Moor Nook Orbit Pebble
Pike Prism Rill Ridge Scree Shingle Spur Strand Tarn Thicket Tide Vale Weald Wold
"""

CODEWORDS: tuple[str, ...] = tuple(_WORDS.split())
