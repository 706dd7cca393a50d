//! Materials plans: planning, approval, dispatch and receipt through the real binary, on both stores,
//! using the demo flood and demo depots.

mod common;

use std::collections::HashMap;

use common::{Server, Store};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const DEMO_EVENT: i64 = 1;

async fn create_plan(server: &Server, manager: &str, body: Value) -> (StatusCode, Value) {
    server.post("/api/v1/plans", manager, body).await
}

async fn emergency_plan(server: &Server, manager: &str) -> Value {
    let (status, plan) =
        create_plan(server, manager, json!({"event_id": DEMO_EVENT, "aid_type": "emergency", "kind": "materials"}))
            .await;
    assert_eq!(status, StatusCode::CREATED, "{plan}");
    plan
}

async fn step(server: &Server, token: &str, plan: i64, action: &str, body: Option<Value>) -> (StatusCode, Value) {
    server.call(Method::POST, &format!("/api/v1/plans/{plan}/{action}"), Some(token), body).await
}

/// A blocked zone drawn across an area's point (a washed-out road around a township); the zone.
async fn block_around(server: &Server, manager: &str, area_code: &str) -> Value {
    let (_, area) = server.get(&format!("/api/v1/areas/{area_code}"), manager).await;
    let (lon, lat) = (area["lon"].as_f64().unwrap(), area["lat"].as_f64().unwrap());
    let d = 0.03;
    let ring = [[lon - d, lat - d], [lon + d, lat - d], [lon + d, lat + d], [lon - d, lat + d], [lon - d, lat - d]];
    let (status, zone) = server
        .post(
            &format!("/api/v1/events/{DEMO_EVENT}/blockages"),
            manager,
            json!({"name": "决口淹没区", "geometry": {"type": "Polygon", "coordinates": [ring]}}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{zone}");
    zone
}

async fn reserved(server: &Server, token: &str, depot: i64) -> i64 {
    let (_, stock) = server.get(&format!("/api/v1/depots/{depot}/stock"), token).await;
    stock.as_array().unwrap().iter().map(|l| l["reserved"].as_i64().unwrap()).sum()
}

store_tests! {
    depots_the_disaster_spared_keep_their_reserve_floor => |store| async move {
        let server = Server::start(store).await;
        let manager = server.login("manager").await;
        let plan = |floor: Option<i64>| {
            let (server, manager) = (&server, &manager);
            async move {
                let mut body = json!({"event_id": DEMO_EVENT, "aid_type": "emergency", "kind": "materials"});
                if let Some(floor) = floor {
                    body["reserve_floor_percent"] = json!(floor);
                }
                create_plan(server, manager, body).await
            }
        };
        let (status, body) = plan(Some(101)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["error"]["details"][0]["field"], "reserve_floor_percent");

        // the default keeps 30 % in the depots of counties with no response; the city's and the
        // responding counties' depots give what they have
        let (status, default) = plan(None).await;
        assert_eq!(status, StatusCode::CREATED, "{default}");
        assert_eq!(default["reserve_floor"]["percent"], 30);
        let held = default["reserve_floor"]["held"].as_array().unwrap().clone();
        assert!(!held.is_empty(), "the demo has depots in counties the flood spared: {default}");

        // a floor of 100 % takes nothing from them; a floor of 0 holds nothing back
        let (_, whole) = plan(Some(100)).await;
        let spared: std::collections::HashSet<i64> =
            whole["reserve_floor"]["held"].as_array().unwrap().iter().map(|h| h["depot_id"].as_i64().unwrap()).collect();
        assert!(!spared.is_empty());
        let lines = whole["lines"].as_array().unwrap();
        assert!(!lines.is_empty(), "the responding depots still ship");
        assert!(lines.iter().all(|l| !spared.contains(&l["depot_id"].as_i64().unwrap())), "nothing from a spared depot");
        let (_, none) = plan(Some(0)).await;
        assert_eq!(none["reserve_floor"]["held"], json!([]));
        let total = |p: &Value| p["totals"]["allocated"].as_i64().unwrap();
        assert!(total(&none) >= total(&default) && total(&default) >= total(&whole), "a higher floor never ships more");
    };

    tents_go_to_the_people_in_central_shelters_and_every_demand_is_explained => |store| async move {
        // 900 people need emergency aid in one township; 300 of them are in central shelters, the
        // rest stay with relatives. Tents are for the sheltered; towel quilts for all 900.
        let server = Server::start(store).await;
        let (manager, reporter) = (server.login("manager").await, server.login("reporter").await);
        let (status, event) = server.post("/api/v1/events", &manager, json!({"name": "测试洪涝", "hazard": "flood", "onset_at": "2026-07-12T11:40:00Z", "affected_areas": ["360425"]})).await;
        assert_eq!(status, StatusCode::CREATED, "{event}");
        let event = event["id"].as_i64().unwrap();
        let figures = json!({"affected": 1000, "needing_emergency_aid": 900, "relocated": 400, "relocated_central": 300, "relocated_dispersed": 100});
        let (status, body) = server.post(&format!("/api/v1/events/{event}/reports"), &reporter, json!({"area_code": "360425105", "stage": "initial", "indicators": figures})).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let (status, plan) = create_plan(&server, &manager, json!({"event_id": event, "aid_type": "emergency", "kind": "materials"})).await;
        assert_eq!(status, StatusCode::CREATED, "{plan}");
        let fill = |item: &str| plan["areas"].as_array().unwrap().iter().find(|a| a["item"] == item).unwrap_or_else(|| panic!("no {item} in {plan}")).clone();
        let tents = fill("tent-12m2");
        assert_eq!((tents["basis"]["indicator"].as_str(), tents["basis"]["persons"].as_i64()), (Some("relocated_central"), Some(300)), "{tents}");
        assert_eq!(tents["basis"]["norm"]["basis"], "sheltered_household");
        assert_eq!(tents["demand"], 96, "300 sheltered people in households of 3.15: {tents}");
        let quilts = fill("towel-quilt");
        assert_eq!((quilts["basis"]["indicator"].as_str(), quilts["demand"].as_i64()), (Some("needing_emergency_aid"), Some(900)), "{quilts}");
    };

    a_part_dispatched_twice_at_once_ships_once => |store| async move {
        // Two approved plans reserve the same item at the same depots; eight racing dispatches of
        // each of the first plan's depot parts (a double click, a retry while the first is still
        // running) must ship each part once, and never ship from the second plan's reservation.
        let server = Server::start(store).await;
        let (manager, reviewer) = (server.login("manager").await, server.login("reviewer").await);
        let mut plans = Vec::new();
        for aid in ["transitional", "emergency"] {
            let (status, plan) = create_plan(&server, &manager, json!({"event_id": DEMO_EVENT, "aid_type": aid, "kind": "materials"})).await;
            assert_eq!(status, StatusCode::CREATED, "{plan}");
            let id = plan["id"].as_i64().unwrap();
            assert_eq!(step(&server, &manager, id, "submit", None).await.0, StatusCode::OK);
            assert_eq!(step(&server, &reviewer, id, "approve", None).await.0, StatusCode::OK);
            plans.push(plan);
        }
        let parts = |plan: &Value| -> std::collections::BTreeSet<(i64, String)> {
            plan["lines"].as_array().unwrap().iter().map(|l| (l["depot_id"].as_i64().unwrap(), l["item"].as_str().unwrap().to_owned())).collect()
        };
        assert!(!parts(&plans[0]).is_disjoint(&parts(&plans[1])), "the plans share no reservation: the race could not show");
        let depots: std::collections::BTreeSet<i64> = parts(&plans[0]).into_iter().map(|(depot, _)| depot).collect();
        let mut reserved_before = 0;
        for &depot in &depots {
            reserved_before += reserved(&server, &manager, depot).await;
        }
        let id = plans[0]["id"].as_i64().unwrap();
        let racing = depots.iter().flat_map(|&depot| std::iter::repeat_n(depot, 8)).map(|depot| {
            let (server, manager) = (&server, &manager);
            async move { step(server, manager, id, "dispatch", Some(json!({"depot_ids": [depot]}))).await }
        });
        for (status, body) in futures::future::join_all(racing).await {
            assert!(status == StatusCode::OK || status == StatusCode::CONFLICT, "{status} {body}");
        }
        let (_, shipments) = server.get(&format!("/api/v1/shipments?plan_id={id}"), &manager).await;
        let mut shipped: std::collections::BTreeMap<(i64, String), i64> = Default::default();
        let mut destinations = std::collections::BTreeSet::new();
        for shipment in shipments.as_array().unwrap() {
            let key = (shipment["depot_id"].as_i64().unwrap(), shipment["area_code"].as_str().unwrap().to_owned());
            assert!(destinations.insert(key.clone()), "{key:?} shipped twice: {shipments}");
            for line in shipment["lines"].as_array().unwrap() {
                *shipped.entry((key.0, line["item"].as_str().unwrap().to_owned())).or_default() += line["quantity"].as_i64().unwrap();
            }
        }
        let mut planned: std::collections::BTreeMap<(i64, String), i64> = Default::default();
        for line in plans[0]["lines"].as_array().unwrap() {
            *planned.entry((line["depot_id"].as_i64().unwrap(), line["item"].as_str().unwrap().to_owned())).or_default() += line["quantity"].as_i64().unwrap();
        }
        assert_eq!(shipped, planned, "every part shipped exactly once");
        let (_, plan) = server.get(&format!("/api/v1/plans/{id}"), &manager).await;
        assert_eq!(plan["status"], "dispatched");
        let mut reserved_after = 0;
        for &depot in &depots {
            reserved_after += reserved(&server, &manager, depot).await;
        }
        assert_eq!(reserved_before - reserved_after, planned.values().sum::<i64>(), "only the first plan's reservations were shipped");
    };

    a_depots_trucks_bound_what_a_plan_loads_on_it_over_all_items => |store| async move {
        let server = Server::start(store).await;
        let manager = server.login("manager").await;
        let (_, items) = server.get("/api/v1/items", &manager).await;
        let unit = |code: &str| {
            let item = items.as_array().unwrap().iter().find(|i| i["code"] == code).unwrap();
            (item["unit_weight_g"].as_i64().unwrap(), item["unit_volume_dm3"].as_i64().unwrap())
        };
        // grams and dm³ the plan's lines load at `depot`
        let load = |plan: &Value, depot: i64| {
            plan["lines"].as_array().unwrap().iter().filter(|l| l["depot_id"] == depot).fold((0, 0), |(g, v), l| {
                let (grams, dm3) = unit(l["item"].as_str().unwrap());
                let quantity = l["quantity"].as_i64().unwrap();
                (g + grams * quantity, v + dm3 * quantity)
            })
        };
        // the demo's depots count their trucks: none does here until the test says
        let (_, depots) = server.get("/api/v1/depots", &manager).await;
        for depot in depots.as_array().unwrap() {
            assert!(depot["fleet"]["trucks"].as_i64().is_some(), "{depot}");
            let path = format!("/api/v1/depots/{}", depot["id"]);
            assert_eq!(server.call(Method::PATCH, &path, Some(&manager), Some(json!({"fleet": null}))).await.0, StatusCode::OK);
        }
        let first = emergency_plan(&server, &manager).await;
        assert_eq!(first["fleet"], Value::Null, "no depot counts its trucks: {}", first["fleet"]);
        // tents load first, so a truck too small for the tents the busiest depot sends takes only tents
        let tents = |plan: &Value, depot: i64| -> i64 { plan["lines"].as_array().unwrap().iter().filter(|l| l["depot_id"] == depot && l["item"] == "tent-12m2").map(|l| l["quantity"].as_i64().unwrap()).sum() };
        let depot = first["lines"].as_array().unwrap().iter().map(|l| l["depot_id"].as_i64().unwrap()).max_by_key(|&d| tents(&first, d)).unwrap();
        let (grams, dm3) = load(&first, depot);
        let (tent_g, _) = unit("tent-12m2");
        assert!(tents(&first, depot) * tent_g > 2_000_000, "the depot sends more than 2 t of tents: {}", first["lines"]);

        // bad figures are refused and write nothing
        let path = format!("/api/v1/depots/{depot}");
        for (fleet, field) in [
            (json!({"trucks": 0, "load_kg": 1000, "load_m3": 10, "trips": 1}), "fleet.trucks"),
            (json!({"trucks": 1, "load_kg": 1000, "load_m3": 501, "trips": 1}), "fleet.load_m3"),
            (json!({"trucks": 1, "load_kg": 1000, "load_m3": 10, "trips": 25}), "fleet.trips"),
        ] {
            let (status, refused) = server.call(Method::PATCH, &path, Some(&manager), Some(json!({"fleet": fleet}))).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
            assert_eq!(refused["error"]["details"][0]["field"], field, "{refused}");
        }
        let (status, refused) = server.call(Method::PATCH, &path, Some(&manager), Some(json!({"fleet": {"trucks": 1, "load_kg": 1000, "trips": 1}}))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a fleet without its volume: {refused}");
        assert_eq!(server.get(&path, &manager).await.1["fleet"], Value::Null, "nothing written");

        // one truck that takes half those tents by weight, and the whole first load by volume
        let truck = json!({"trucks": 1, "load_kg": tents(&first, depot) * tent_g / 2 / 1000, "load_m3": (dm3 / 1000 + 1).clamp(1, 500), "trips": 1});
        let (status, body) = server.call(Method::PATCH, &path, Some(&manager), Some(json!({"fleet": truck}))).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(server.get(&path, &manager).await.1["fleet"], truck);
        let second = emergency_plan(&server, &manager).await;
        let (loaded_g, loaded_dm3) = load(&second, depot);
        assert!(loaded_g <= truck["load_kg"].as_i64().unwrap() * 1000, "{loaded_g} g on a truck of {truck}");
        assert!(loaded_dm3 <= truck["load_m3"].as_i64().unwrap() * 1000, "{loaded_dm3} dm³ on a truck of {truck}");
        assert_eq!(tents(&second, depot), truck["load_kg"].as_i64().unwrap() * 1000 / tent_g, "the truck is filled with tents: {}", second["lines"]);
        assert!(loaded_g - tents(&second, depot) * tent_g < tent_g, "nothing but tents, and what fits in the room they leave: {}", second["lines"]);
        let fleet = second["fleet"].as_array().unwrap();
        let entry = fleet.iter().find(|f| f["depot_id"] == depot).unwrap_or_else(|| panic!("{fleet:?}"));
        assert_eq!((entry["trucks_needed"].as_i64(), entry["limiting"].as_bool()), (Some(1), Some(true)), "{entry}");
        assert_eq!(entry["load_kg"].as_f64().unwrap(), loaded_g as f64 / 1000.0);

        // an edit that loads more onto the truck is refused on that depot's lines, nothing written
        let id = second["id"].as_i64().unwrap();
        let mut edited: Vec<Value> = second["lines"].as_array().unwrap().iter().map(|l| json!({"depot_id": l["depot_id"], "area_code": l["area_code"], "item": l["item"], "quantity": l["quantity"]})).collect();
        let short = second["areas"].as_array().unwrap().iter().find(|a| a["item"] == "tent-12m2" && a["allocated"].as_i64() < a["demand"].as_i64()).expect("the truck leaves some area short of tents");
        edited.push(json!({"depot_id": depot, "area_code": short["area_code"], "item": "tent-12m2", "quantity": 1}));
        let (status, refused) = server.call(Method::PATCH, &format!("/api/v1/plans/{id}"), Some(&manager), Some(json!({"lines": edited}))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
        let field = format!("lines[{}].quantity", edited.len() - 1);
        assert!(refused["error"]["details"].as_array().unwrap().iter().any(|d| d["refusal"] == "plan_over_fleet" && d["field"] == field), "{refused}");
        assert_eq!(server.get(&format!("/api/v1/plans/{id}"), &manager).await.1["lines"], second["lines"], "nothing written");

        // a second trip before the deadline carries a second load of tents, on the same one truck
        let mut twice = truck.clone();
        twice["trips"] = json!(2);
        let (status, body) = server.call(Method::PATCH, &path, Some(&manager), Some(json!({"fleet": twice}))).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let doubled = emergency_plan(&server, &manager).await;
        let load_g = truck["load_kg"].as_i64().unwrap() * 1000;
        let (doubled_g, _) = load(&doubled, depot);
        assert!(doubled_g <= 2 * load_g, "{doubled_g} g on one truck making 2 trips of {load_g} g");
        assert_eq!(tents(&doubled, depot), (2 * load_g / tent_g).min(tents(&first, depot)), "{}", doubled["lines"]);
        assert!(tents(&doubled, depot) > tents(&second, depot), "the second trip carries more tents: {}", doubled["lines"]);
        let entry = doubled["fleet"].as_array().unwrap().iter().find(|f| f["depot_id"] == depot).cloned().unwrap_or_default();
        assert_eq!(entry["trucks_needed"].as_i64(), Some(1), "one truck making both trips: {entry}");
        // null stops counting the trucks: the next plan loads the depot as the first did
        let (status, _) = server.call(Method::PATCH, &path, Some(&manager), Some(json!({"fleet": null}))).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(server.get(&path, &manager).await.1["fleet"], Value::Null);
        let third = emergency_plan(&server, &manager).await;
        assert_eq!(load(&third, depot), (grams, dm3));
        assert_eq!(third["fleet"], Value::Null);
    };

    plan_approve_dispatch_receive => |store| async move {
        let server = Server::start(store).await;
        let manager = server.login("manager").await;
        let reviewer = server.login("reviewer").await;
        let plan = emergency_plan(&server, &manager).await;
        let id = plan["id"].as_i64().unwrap();
        assert_eq!(plan["status"], "draft");
        let lines = plan["lines"].as_array().unwrap();
        assert!(!lines.is_empty(), "{plan}");
        for line in lines {
            assert!(line["quantity"].as_i64().unwrap() > 0 && line["travel_minutes"].as_i64().is_some());
        }
        let areas = plan["areas"].as_array().unwrap();
        assert!(areas.iter().all(|a| a["allocated"].as_i64().unwrap() <= a["demand"].as_i64().unwrap()));
        assert_eq!(plan["totals"]["allocated"].as_i64().unwrap(), lines.iter().map(|l| l["quantity"].as_i64().unwrap()).sum::<i64>());

        // an edit sending an area more than it needs is refused on the lines that do, nothing written
        let edit = |quantity: i64| {
            let mut edited: Vec<Value> = lines.iter().map(|l| json!({"depot_id": l["depot_id"], "area_code": l["area_code"], "item": l["item"], "quantity": l["quantity"]})).collect();
            edited[0]["quantity"] = json!(quantity);
            json!({"lines": edited})
        };
        let need = areas.iter().find(|a| a["area_code"] == lines[0]["area_code"] && a["item"] == lines[0]["item"]).unwrap()["demand"].as_i64().unwrap();
        let (status, refused) = server.call(Method::PATCH, &format!("/api/v1/plans/{id}"), Some(&manager), Some(edit(need + 1))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
        let fields: Vec<&str> = refused["error"]["details"].as_array().unwrap().iter().map(|d| d["field"].as_str().unwrap()).collect();
        assert!(fields.contains(&"lines[0].quantity"), "the refusal names the line: {refused}");
        let (_, unchanged) = server.get(&format!("/api/v1/plans/{id}"), &manager).await;
        assert_eq!(unchanged["lines"], plan["lines"], "nothing written");

        assert_eq!(step(&server, &reviewer, id, "approve", None).await.0, StatusCode::CONFLICT, "a draft is not approved");
        assert_eq!(step(&server, &manager, id, "dispatch", None).await.0, StatusCode::CONFLICT, "no dispatch before approval");
        assert_eq!(step(&server, &manager, id, "submit", None).await.0, StatusCode::OK);
        let (status, _) = server.call(Method::PATCH, &format!("/api/v1/plans/{id}"), Some(&manager), Some(json!({"lines": []}))).await;
        assert_eq!(status, StatusCode::CONFLICT, "a submitted plan cannot be edited");
        assert_eq!(step(&server, &manager, id, "approve", None).await.0, StatusCode::FORBIDDEN, "the author's side does not approve");
        let before = reserved(&server, &manager, 1).await;
        let (status, approved) = step(&server, &reviewer, id, "approve", None).await;
        assert_eq!(status, StatusCode::OK, "{approved}");
        assert_eq!(approved["status"], "approved");
        assert_eq!(step(&server, &reviewer, id, "approve", None).await.0, StatusCode::CONFLICT, "approving twice");
        let city_lines: i64 = lines.iter().filter(|l| l["depot_id"] == 1).map(|l| l["quantity"].as_i64().unwrap()).sum();
        assert_eq!(reserved(&server, &manager, 1).await - before, city_lines, "approval reserves the plan's stock");

        let (status, shipments) = step(&server, &manager, id, "dispatch", None).await;
        assert_eq!(status, StatusCode::OK, "{shipments}");
        let (_, plan) = server.get(&format!("/api/v1/plans/{id}"), &manager).await;
        assert_eq!(plan["status"], "dispatched");
        assert_eq!(reserved(&server, &manager, 1).await, before, "dispatch turns reservations into issues");
        let keeper = server.login("depot").await;
        let (_, own) = server.get("/api/v1/shipments?depot_id=1", &keeper).await;
        assert!(own.as_array().unwrap().iter().all(|s| s["depot_id"] == 1));

        let reporter = server.login("reporter").await;
        let (_, shipments) = server.get(&format!("/api/v1/shipments?plan_id={id}"), &manager).await;
        let shipments = shipments.as_array().unwrap().clone();
        assert!(!shipments.is_empty());
        let first = &shipments[0];
        let line = &first["lines"][0];
        let too_many = json!({"lines": [{"item": line["item"], "quantity": line["quantity"].as_i64().unwrap() + 1}]});
        let (status, _) = server.post(&format!("/api/v1/shipments/{}/receive", first["id"]), &reporter, too_many).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "receiving more than shipped");
        // the waybill's vehicle and driver: checked, kept, and closed once the goods arrive
        let transport = format!("/api/v1/shipments/{}/transport", first["id"]);
        let truck = json!({"vehicle_plate": "赣G·12345", "driver_name": "李师傅", "driver_phone": "139-0000-0000"});
        let (status, body) = server.call(Method::PUT, &transport, Some(&manager), Some(json!({"vehicle_plate": "赣", "driver_name": "", "driver_phone": "x"}))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["error"]["details"].as_array().unwrap().len(), 3, "{body}");
        let (status, body) = server.call(Method::PUT, &transport, Some(&reporter), Some(truck.clone())).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        let (status, body) = server.call(Method::PUT, &transport, Some(&manager), Some(truck.clone())).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!((body["vehicle_plate"].as_str(), body["driver_name"].as_str()), (Some("赣G·12345"), Some("李师傅")));
        for (index, shipment) in shipments.iter().enumerate() {
            // the first destination reports one unit short
            let lines: Vec<Value> = shipment["lines"].as_array().unwrap().iter().enumerate().map(|(i, l)| {
                let short = if index == 0 && i == 0 { 1 } else { 0 };
                json!({"item": l["item"], "quantity": l["quantity"].as_i64().unwrap() - short})
            }).collect();
            let (status, body) = server.post(&format!("/api/v1/shipments/{}/receive", shipment["id"]), &reporter, json!({"lines": lines, "signer": "王村长"})).await;
            assert_eq!(status, StatusCode::OK, "{body}");
            assert_eq!(body["received_signer"], "王村长");
        }
        let (status, body) = server.call(Method::PUT, &transport, Some(&manager), Some(truck)).await;
        assert_eq!(status, StatusCode::CONFLICT, "the goods have arrived: {body}");
        // the receipt's photos: by whoever signs at the destination, read by the depot that sent it,
        // not found by anyone else; a refused upload writes nothing
        let from_keepers_depot = shipments.iter().find(|s| s["depot_id"] == 1).expect("a shipment from the city depot");
        let photos = format!("/api/v1/shipments/{}/photos", from_keepers_depot["id"]);
        let mut png = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
        png.extend_from_slice(b"the goods as unloaded");
        let (status, photo) = server.post_raw(&photos, &reporter, "image/png", png.clone()).await;
        assert_eq!(status, StatusCode::CREATED, "{photo}");
        assert_eq!((photo["shipment_id"].clone(), photo["uploaded_by"].clone()), (from_keepers_depot["id"].clone(), json!("reporter")));
        assert_eq!(server.post_raw(&photos, &reporter, "image/png", b"<svg/>".to_vec()).await.0, StatusCode::UNSUPPORTED_MEDIA_TYPE);
        assert_eq!(server.post_raw(&photos, &keeper, "image/png", png.clone()).await.0, StatusCode::FORBIDDEN);
        let (status, listed) = server.get(&photos, &keeper).await;
        assert_eq!((status, listed.as_array().unwrap().len()), (StatusCode::OK, 1), "{listed}");
        let image = server.http.get(server.url(&format!("{photos}/{}", photo["id"]))).bearer_auth(&keeper).send().await.unwrap();
        assert_eq!(image.headers()["content-type"], "image/png");
        assert_eq!(image.bytes().await.unwrap().to_vec(), png);
        let admin = server.login("admin").await;
        server.post("/api/v1/users", &admin, json!({"username": "elsewhere", "password": "demo", "role": "reporter", "area_code": "360481"})).await;
        let elsewhere = server.login("elsewhere").await;
        assert_eq!(server.get(&photos, &elsewhere).await.0, StatusCode::NOT_FOUND);
        assert_eq!(server.get(&format!("{photos}/{}", photo["id"]), &elsewhere).await.0, StatusCode::NOT_FOUND);
        assert_eq!(server.get("/api/v1/shipments/999999/photos", &reporter).await.0, StatusCode::NOT_FOUND);
        let (_, trail) = server.get("/api/v1/audit?action=shipment.photo", &server.login("auditor").await).await;
        assert_eq!(trail["records"].as_array().unwrap().len(), 1, "one upload, audited: {trail}");
        let (_, plan) = server.get(&format!("/api/v1/plans/{id}"), &manager).await;
        assert_eq!(plan["status"], "completed");
        let times = plan["time_to_aid"].as_array().unwrap();
        assert!(!times.is_empty() && times.iter().all(|t| t["onset_to_receipt_minutes"].as_i64().unwrap() >= 1700), "{times:?}");
        let (_, shipments) = server.get(&format!("/api/v1/shipments?plan_id={id}"), &manager).await;
        let first = &shipments[0]["lines"][0];
        assert_eq!(first["received"].as_i64().unwrap(), first["quantity"].as_i64().unwrap() - 1, "the shortfall is recorded");
        // what approved plans cover is no longer demanded
        let (_, second) = create_plan(&server, &manager, json!({"event_id": DEMO_EVENT, "aid_type": "emergency", "kind": "materials"})).await;
        assert!(second["totals"]["demand"].as_i64().unwrap() < plan["totals"]["demand"].as_i64().unwrap());
    };

    bad_plan_requests_are_refused => |store| async move {
        let server = Server::start(store).await;
        let manager = server.login("manager").await;
        // The demo has a plan of its own (the checks' stock finding).
        let plans_before = server.get("/api/v1/plans", &manager).await.1;
        let (status, event) = server.post("/api/v1/events", &manager, json!({"name": "无数据", "hazard": "flood", "onset_at": "2026-07-01T00:00:00Z"})).await;
        assert_eq!(status, StatusCode::CREATED);
        let (status, body) = create_plan(&server, &manager, json!({"event_id": event["id"], "aid_type": "emergency", "kind": "materials"})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(body["error"]["message"].as_str().unwrap().contains("needing_emergency_aid"), "the 422 says what is missing: {body}");
        for (body, field) in [
            (json!({"event_id": DEMO_EVENT, "aid_type": "bribes", "kind": "materials"}), "aid_type"),
            (json!({"event_id": DEMO_EVENT, "aid_type": "emergency", "kind": "vibes"}), "kind"),
            (json!({"event_id": DEMO_EVENT, "aid_type": "reconstruction", "kind": "materials"}), "kind"),
        ] {
            let (status, response) = create_plan(&server, &manager, body).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{response}");
            assert_eq!(response["error"]["details"][0]["field"], field);
        }
        assert_eq!(create_plan(&server, &manager, json!({"event_id": 999, "aid_type": "emergency", "kind": "materials"})).await.0, StatusCode::NOT_FOUND);
        let reporter = server.login("reporter").await;
        assert_eq!(create_plan(&server, &reporter, json!({"event_id": DEMO_EVENT, "aid_type": "emergency", "kind": "materials"})).await.0, StatusCode::FORBIDDEN);
        assert_eq!(server.get("/api/v1/plans", &manager).await.1, plans_before, "nothing may be written");

        let (status, body) = server.post(&format!("/api/v1/events/{DEMO_EVENT}/blockages"), &manager,
            json!({"name": "bad", "geometry": {"type": "Polygon", "coordinates": [[[116.0, 29.0], [116.1, 29.1], [116.1, 29.0], [116.0, 29.1], [116.0, 29.0]]]}})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a bow-tie is not a zone: {body}");
        let (_, zones) = server.get(&format!("/api/v1/events/{DEMO_EVENT}/blockages"), &manager).await;
        assert!(zones["features"].as_array().unwrap().is_empty());
    };

    blocked_zones_make_areas_unreachable_and_stale_stock_blocks_approval => |store| async move {
        let server = Server::start(store).await;
        let manager = server.login("manager").await;
        let plan = emergency_plan(&server, &manager).await;
        let target = plan["lines"][0]["area_code"].as_str().unwrap().to_owned();
        let zone = block_around(&server, &manager, &target).await;
        let cut_off = emergency_plan(&server, &manager).await;
        assert!(cut_off["unreachable"].as_array().unwrap().iter().any(|u| u["area_code"] == target), "{}", cut_off["unreachable"]);
        assert!(cut_off["lines"].as_array().unwrap().iter().all(|l| l["area_code"] != target));
        let (status, _) = server.call(Method::DELETE, &format!("/api/v1/events/{DEMO_EVENT}/blockages/{}", zone["id"]), Some(&manager), None).await;
        assert_eq!(status, StatusCode::NO_CONTENT);

        // stock issued after planning: approval no longer fits
        let id = plan["id"].as_i64().unwrap();
        step(&server, &manager, id, "submit", None).await;
        let line = plan["lines"].as_array().unwrap().iter().find(|l| l["depot_id"] == 1).cloned().expect("the city depot supplies something");
        let (_, stock) = server.get("/api/v1/depots/1/stock", &manager).await;
        let available = stock.as_array().unwrap().iter().find(|l| l["item"] == line["item"]).unwrap()["available"].as_i64().unwrap();
        let take = available - line["quantity"].as_i64().unwrap() + 1;
        let (status, _) = server.post("/api/v1/depots/1/movements", &manager, json!({"kind": "issue", "item": line["item"], "quantity": take})).await;
        assert_eq!(status, StatusCode::CREATED);
        let reviewer = server.login("reviewer").await;
        let before = reserved(&server, &manager, 1).await;
        let (status, body) = step(&server, &reviewer, id, "approve", None).await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        assert!(body["error"]["details"]["available"].is_number());
        assert_eq!(reserved(&server, &manager, 1).await, before, "a failed approval reserves nothing");
        let (_, plan) = server.get(&format!("/api/v1/plans/{id}"), &manager).await;
        assert_eq!(plan["status"], "submitted");
        let (status, _) = step(&server, &reviewer, id, "reject", Some(json!({"reason": ""}))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let (status, rejected) = step(&server, &reviewer, id, "reject", Some(json!({"reason": "库存已变化，请重新编制"}))).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(rejected["status"], "rejected");

        // an approved plan that is cancelled gives its reservations back
        let fresh = emergency_plan(&server, &manager).await;
        let fresh_id = fresh["id"].as_i64().unwrap();
        step(&server, &manager, fresh_id, "submit", None).await;
        assert_eq!(step(&server, &reviewer, fresh_id, "approve", None).await.0, StatusCode::OK);
        assert!(reserved(&server, &manager, 1).await > before);
        let (status, cancelled) = step(&server, &manager, fresh_id, "cancel", Some(json!({"reason": "灾情变化"}))).await;
        assert_eq!(status, StatusCode::OK, "{cancelled}");
        assert_eq!(reserved(&server, &manager, 1).await, before);
    };

    the_policy_is_the_plans_choice_with_its_equity_audit_and_a_comparison => |store| async move {
        let server = Server::start(store).await;
        let manager = server.login("manager").await;
        let body = |extra: Value| {
            let mut body = json!({"event_id": DEMO_EVENT, "aid_type": "emergency", "kind": "materials"});
            body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
            body
        };
        let (_, plans_before) = server.get("/api/v1/plans", &manager).await;
        // bad input: an unknown policy, and weights outside (0, 1], each naming its field; nothing written
        for (extra, field) in [
            (json!({"policy": "loudest_first"}), "policy"),
            (json!({"policy": "weighted", "weights": {"level_1": 1.0, "level_2": 0.0, "level_3": 0.8, "level_4": 0.7, "none": 0.6}}), "weights.level_2"),
            (json!({"policy": "weighted", "weights": {"level_1": 1.5, "level_2": 0.9, "level_3": 0.8, "level_4": 0.7, "none": 0.6}}), "weights.level_1"),
        ] {
            for path in ["/api/v1/plans", "/api/v1/plans/compare"] {
                let (status, response) = server.post(path, &manager, body(extra.clone())).await;
                assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{path} {extra}: {response}");
                assert_eq!(response["error"]["details"][0]["field"], field, "{response}");
            }
        }
        // a funds plan follows the standards: there is nothing to compare
        let (status, response) = server.post("/api/v1/plans/compare", &manager, json!({"event_id": DEMO_EVENT, "aid_type": "emergency", "kind": "funds"})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{response}");
        assert_eq!(response["error"]["details"][0]["refusal"], "compare_materials_only", "{response}");
        assert_eq!(server.get("/api/v1/plans", &manager).await.1, plans_before, "nothing may be written");

        // every plan carries its policy and its audit; the default is strict tiers
        let (status, strict) = create_plan(&server, &manager, body(json!({}))).await;
        assert_eq!(status, StatusCode::CREATED, "{strict}");
        assert_eq!(strict["fairness"]["policy"], "strict_tiers");
        assert_eq!(strict["fairness"]["weights"]["none"], 0.6);
        let equity = &strict["equity"];
        assert_eq!(equity["delivered"], strict["totals"]["allocated"]);
        let tiers = equity["tiers"].as_array().unwrap();
        assert!(!tiers.is_empty() && tiers.windows(2).all(|t| t[0]["tier"].as_u64() > t[1]["tier"].as_u64()), "{equity}");
        for tier in tiers {
            let (min, median, max) = (tier["min_fill"].as_f64().unwrap(), tier["median_fill"].as_f64().unwrap(), tier["max_fill"].as_f64().unwrap());
            assert!(0.0 <= min && min <= median && median <= max && max <= 1.0, "{tier}");
        }
        let gini = equity["gini"].as_f64().unwrap();
        assert!((0.0..1.0).contains(&gini), "{equity}");
        // the yardstick delivers the same total (every policy delivers the most the stock allows) no slower
        let yardstick = &equity["most_delivered"];
        assert_eq!(yardstick["delivered"], equity["delivered"], "{equity}");
        assert!(yardstick["travel_unit_minutes"].as_i64() <= equity["travel_unit_minutes"].as_i64(), "{equity}");

        // the comparison: both policies from the same input, nothing stored
        let (status, options) = server.post("/api/v1/plans/compare", &manager, body(json!({}))).await;
        assert_eq!(status, StatusCode::OK, "{options}");
        let options = options.as_array().unwrap();
        let policies: Vec<&str> = options.iter().map(|o| o["fairness"]["policy"].as_str().unwrap()).collect();
        assert_eq!(policies, ["strict_tiers", "weighted"]);
        assert_eq!(options[0]["equity"], strict["equity"], "the comparison's strict tiers is the plan just made");
        let lowest = |equity: &Value| equity["tiers"].as_array().unwrap().last().unwrap()["min_fill"].as_f64().unwrap();
        assert!(lowest(&options[1]["equity"]) >= lowest(&options[0]["equity"]), "weighted never serves the lowest tier worse: {options:?}");
        let (status, weighted) = create_plan(&server, &manager, body(json!({"policy": "weighted"}))).await;
        assert_eq!(status, StatusCode::CREATED, "{weighted}");
        assert_eq!(weighted["equity"], options[1]["equity"]);
        let (_, plans) = server.get("/api/v1/plans", &manager).await;
        assert_eq!(plans.as_array().unwrap().len(), plans_before.as_array().unwrap().len() + 2, "the comparison stored nothing");
    };

    a_new_blocked_zone_is_planned_around_and_its_cost_shown => |store| async move {
        let server = Server::start(store).await;
        let (manager, reviewer) = (server.login("manager").await, server.login("reviewer").await);
        let plan = emergency_plan(&server, &manager).await;
        let id = plan["id"].as_i64().unwrap();
        // nothing changed: nothing to change
        let (status, same) = step(&server, &manager, id, "replan", None).await;
        assert_eq!(status, StatusCode::OK, "{same}");
        assert_eq!(same["changes"], json!([]), "{same}");
        assert_eq!(same["unchanged_lines"].as_u64(), Some(plan["lines"].as_array().unwrap().len() as u64));

        // a washed-out road around the first line's township
        let target = plan["lines"][0]["area_code"].as_str().unwrap().to_owned();
        let zone = block_around(&server, &manager, &target).await;
        let (status, replanned) = step(&server, &manager, id, "replan", None).await;
        assert_eq!(status, StatusCode::OK, "{replanned}");
        let changes = replanned["changes"].as_array().unwrap();
        assert!(changes.iter().any(|c| c["area_code"] == target && c["quantity_after"] == 0 && c["quantity_before"].as_i64() > Some(0)), "{replanned}");
        assert!(changes.iter().all(|c| c["quantity_before"] != c["quantity_after"] || c["travel_minutes_before"] != c["travel_minutes_after"]));
        let (before, after) = (&replanned["before"], &replanned["after"]);
        assert_eq!(before["totals"], plan["totals"]);
        assert!(after["totals"]["unreachable_areas"].as_i64() > before["totals"]["unreachable_areas"].as_i64(), "{replanned}");
        assert_eq!(after["min_fill"], 0.0, "the cut-off township gets nothing: {replanned}");
        // the draft now holds the new lines
        let (_, stored) = server.get(&format!("/api/v1/plans/{id}"), &manager).await;
        assert_eq!(stored["totals"], after["totals"]);
        // planned again from where the first plan's routing ended, it is as good as a plan made afresh
        let fresh = emergency_plan(&server, &manager).await;
        let optimum = |plan: &Value| {
            let tiers: Vec<Value> = plan["equity"]["tiers"].as_array().unwrap().iter().map(|t| json!([t["tier"], t["min_fill"]])).collect();
            // the planner's third aim: Σ quantity × minutes × (tier + 1)
            let tier: HashMap<&str, i64> =
                plan["areas"].as_array().unwrap().iter().map(|a| (a["area_code"].as_str().unwrap(), a["tier"].as_i64().unwrap())).collect();
            let weighted_minutes: i64 = plan["lines"].as_array().unwrap().iter()
                .map(|l| l["quantity"].as_i64().unwrap() * l["travel_minutes"].as_i64().unwrap() * (tier[l["area_code"].as_str().unwrap()] + 1))
                .sum();
            json!([plan["totals"]["allocated"], plan["totals"]["unreachable_areas"], tiers, weighted_minutes])
        };
        assert_eq!(optimum(&stored), optimum(&fresh));
        assert!(stored["lines"].as_array().unwrap().iter().all(|l| l["area_code"] != target));
        let auditor = server.login("auditor").await;
        let (_, trail) = server.get(&format!("/api/v1/audit?entity_type=plan&entity_id={id}&action=plan.replan"), &auditor).await;
        assert!(trail.to_string().contains("plan.replan"), "the re-plan is audited: {trail}");
        // with the lines it rewrote, not the whole plan twice
        let record = &trail["records"][0];
        let written = changes.iter().filter(|c| c["quantity_after"].as_i64() > Some(0)).count();
        assert_eq!(record["after"].as_array().unwrap().len(), written, "{record}");
        assert!(record["before"].as_array().unwrap().len() < plan["lines"].as_array().unwrap().len(), "{record}");

        // the zone removed, a re-plan restores the first plan's figures (among equally good lines,
        // those nearer the draft it starts from)
        let (status, _) = server.call(Method::DELETE, &format!("/api/v1/events/{DEMO_EVENT}/blockages/{}", zone["id"]), Some(&manager), None).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (_, restored) = step(&server, &manager, id, "replan", None).await;
        assert_eq!(restored["after"]["totals"]["allocated"], plan["totals"]["allocated"], "{restored}");
        assert_eq!(restored["after"]["totals"]["unreachable_areas"], plan["totals"]["unreachable_areas"], "{restored}");
        let (_, stored) = server.get(&format!("/api/v1/plans/{id}"), &manager).await;
        assert_eq!(optimum(&stored), optimum(&plan), "the lines rewritten in place are as good as the first plan's");
        let plan = stored;

        // only a draft is planned again: approved is a 409 and changes nothing
        assert_eq!(step(&server, &manager, id, "submit", None).await.0, StatusCode::OK);
        assert_eq!(step(&server, &reviewer, id, "approve", None).await.0, StatusCode::OK);
        let (status, body) = step(&server, &manager, id, "replan", None).await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        assert_eq!(body["error"]["refusal"], "replan_not_draft", "{body}");
        assert_eq!(server.get(&format!("/api/v1/plans/{id}"), &manager).await.1["lines"], plan["lines"]);
        assert_eq!(step(&server, &reviewer, id, "replan", None).await.0, StatusCode::FORBIDDEN);
    };

    a_plan_rewritten_on_another_server_is_planned_again_from_its_stored_lines => |store| async move {
        // A server keeps the row and lines it stored a plan with, to spare reading them back on a
        // re-plan; once another server (or an edit) has rewritten them, only the stored ones count.
        let server = Server::start(store).await;
        let other = server.beside().await;
        let manager = server.login("manager").await;
        let plan = emergency_plan(&server, &manager).await;
        let id = plan["id"].as_i64().unwrap();
        let target = plan["lines"][0]["area_code"].as_str().unwrap().to_owned();
        block_around(&server, &manager, &target).await;
        let (status, elsewhere) = step(&other, &manager, id, "replan", None).await;
        assert_eq!(status, StatusCode::OK, "{elsewhere}");
        assert_ne!(elsewhere["changes"], json!([]), "the zone changes the plan: {elsewhere}");
        let (_, stored) = server.get(&format!("/api/v1/plans/{id}"), &manager).await;

        // re-planned here, each change starts from the stored lines (none reach the zone now)
        let (status, here) = step(&server, &manager, id, "replan", None).await;
        assert_eq!(status, StatusCode::OK, "{here}");
        // and from the stored figures, not those this server kept from the plan's creation
        assert_ne!(stored["totals"], plan["totals"]);
        assert_eq!(here["before"]["totals"], stored["totals"], "{here}");
        let (_, after) = server.get(&format!("/api/v1/plans/{id}"), &manager).await;
        let quantity = |plan: &Value, change: &Value| {
            let same = |l: &&Value| ["depot_id", "area_code", "item"].iter().all(|k| l[k] == change[k]);
            plan["lines"].as_array().unwrap().iter().find(same).map_or(0, |l| l["quantity"].as_i64().unwrap())
        };
        let changes = here["changes"].as_array().unwrap();
        for change in changes {
            assert_eq!(Some(quantity(&stored, change)), change["quantity_before"].as_i64(), "{change}");
            assert_eq!(Some(quantity(&after, change)), change["quantity_after"].as_i64(), "{change}");
        }
        let written = changes.iter().filter(|c| c["quantity_after"].as_i64() > Some(0)).count() as u64;
        assert_eq!(here["unchanged_lines"].as_u64().map(|n| n + written), Some(after["lines"].as_array().unwrap().len() as u64));
        assert!(after["lines"].as_array().unwrap().iter().all(|l| l["area_code"] != target));
    };

    an_edit_and_a_re_plan_at_once_never_mix_their_lines => |store| async move {
        // Each change is worked out from the plan as read and written later. When another change
        // was written in between, the later one is refused (409) instead of being laid over it:
        // written over, its delta would mix two sets of lines (or collide with them).
        let server = Server::start(store).await;
        let manager = server.login("manager").await;
        let plan = emergency_plan(&server, &manager).await;
        let id = plan["id"].as_i64().unwrap();
        let path = format!("/api/v1/plans/{id}");
        let mut refused = 0;
        for round in 0..6 {
            let (_, before) = server.get(&path, &manager).await;
            let lines = before["lines"].as_array().unwrap();
            let target = lines[round * 7 % lines.len()]["area_code"].as_str().unwrap().to_owned();
            block_around(&server, &manager, &target).await;
            // the edit: one less on every line (lines of one dropped); the re-plan avoids the new zone
            let edited: Vec<Value> = lines
                .iter()
                .filter(|l| l["quantity"].as_i64().unwrap() > 1)
                .map(|l| json!({"depot_id": l["depot_id"], "area_code": l["area_code"], "item": l["item"], "quantity": l["quantity"].as_i64().unwrap() - 1}))
                .collect();
            let (replanned, edit) = tokio::join!(
                step(&server, &manager, id, "replan", None),
                server.call(Method::PATCH, &path, Some(&manager), Some(json!({"lines": edited}))),
            );
            for (status, body) in [replanned, edit] {
                let changed = status == StatusCode::CONFLICT && body["error"]["refusal"] == "plan_changed";
                assert!(status == StatusCode::OK || changed, "round {round}: {status} {body}");
                refused += usize::from(changed);
            }
            // whichever was written, the stored lines are exactly those of the stored result
            let (_, after) = server.get(&path, &manager).await;
            let mut sent: HashMap<(String, String), i64> = HashMap::new();
            for line in after["lines"].as_array().unwrap() {
                let key = (line["area_code"].as_str().unwrap().to_owned(), line["item"].as_str().unwrap().to_owned());
                *sent.entry(key).or_default() += line["quantity"].as_i64().unwrap();
            }
            for fill in after["areas"].as_array().unwrap() {
                let key = (fill["area_code"].as_str().unwrap().to_owned(), fill["item"].as_str().unwrap().to_owned());
                assert_eq!(sent.remove(&key).unwrap_or(0), fill["allocated"].as_i64().unwrap(), "round {round}: {key:?}");
            }
            assert!(sent.is_empty(), "round {round}: lines to areas the result has no need for: {sent:?}");
        }
        // the re-plan takes far longer than the edit, so the two meet
        assert!(refused > 0, "the edit and the re-plan never met in 6 rounds");
    };

    a_change_made_on_the_plan_as_read_never_overwrites_one_made_since => |store| async move {
        // Two managers open the same draft; one lowers a line and saves. The other's edit, and their
        // re-plan, carry the plan's updated_at as they read it (If-Match): both are refused (412)
        // and write nothing, where without the header the last edit would silently replace the first.
        let server = Server::start(store).await;
        let manager = server.login("manager").await;
        let plan = emergency_plan(&server, &manager).await;
        let id = plan["id"].as_i64().unwrap();
        let path = format!("/api/v1/plans/{id}");
        let read = format!("\"{}\"", plan["updated_at"].as_str().unwrap());
        let lines = plan["lines"].as_array().unwrap();
        let body_with = |lowered: usize| {
            let lines: Vec<Value> = lines
                .iter()
                .enumerate()
                .map(|(i, l)| {
                    let quantity = l["quantity"].as_i64().unwrap() - i64::from(i == lowered);
                    json!({"depot_id": l["depot_id"], "area_code": l["area_code"], "item": l["item"], "quantity": quantity})
                })
                .filter(|l| l["quantity"].as_i64().unwrap() > 0)
                .collect();
            json!({"lines": lines})
        };
        let send = |method: Method, path: String, version: String, body: Option<Value>| {
            let (server, manager) = (&server, &manager);
            async move {
                let mut request = server.http.request(method, server.url(&path)).bearer_auth(manager).header("If-Match", version);
                if let Some(body) = body {
                    request = request.json(&body);
                }
                let response = request.send().await.unwrap();
                let status = response.status();
                (status, response.json::<Value>().await.unwrap_or(Value::Null))
            }
        };
        // the first manager's edit, on the plan as read: saved
        let (status, first) = send(Method::PATCH, path.clone(), read.clone(), Some(body_with(0))).await;
        assert_eq!(status, StatusCode::OK, "{first}");
        assert_ne!(first["updated_at"], plan["updated_at"]);
        // the second manager's, on the same reading: refused, the first one's lines kept
        let (status, second) = send(Method::PATCH, path.clone(), read.clone(), Some(body_with(1))).await;
        assert_eq!((status, second["error"]["code"].as_str()), (StatusCode::PRECONDITION_FAILED, Some("stale")), "{second}");
        let (status, replanned) = send(Method::POST, format!("{path}/replan"), read.clone(), None).await;
        assert_eq!(status, StatusCode::PRECONDITION_FAILED, "{replanned}");
        let (_, now) = server.get(&path, &manager).await;
        assert_eq!((&now["lines"], &now["updated_at"]), (&first["lines"], &first["updated_at"]), "nothing written");
        // a version that is no time: 422 on its header
        let (status, bad) = send(Method::PATCH, path.clone(), "\"yesterday\"".into(), Some(body_with(1))).await;
        assert_eq!((status, bad["error"]["details"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("If-Match")), "{bad}");
        // on the plan as it now is, both go through
        let current = format!("\"{}\"", now["updated_at"].as_str().unwrap());
        let (status, replanned) = send(Method::POST, format!("{path}/replan"), current, None).await;
        assert_eq!(status, StatusCode::OK, "{replanned}");
        let (_, after) = server.get(&path, &manager).await;
        let weak = format!("W/\"{}\"", after["updated_at"].as_str().unwrap());
        let kept: Vec<Value> = after["lines"].as_array().unwrap()[1..]
            .iter()
            .map(|l| json!({"depot_id": l["depot_id"], "area_code": l["area_code"], "item": l["item"], "quantity": l["quantity"]}))
            .collect();
        let (status, edited) = send(Method::PATCH, path.clone(), weak, Some(json!({"lines": kept}))).await;
        assert_eq!(status, StatusCode::OK, "{edited}");
    };

    fleets_stored_before_trips_read_after_their_migration => |store| async move {
        // Migration 0031 gives one trip to the fleets stored before depots counted trips: on the
        // depots and in the truck loads of the plans made since.
        let mut server = Server::start(store).await;
        let manager = server.login("manager").await;
        let plan = emergency_plan(&server, &manager).await;
        let id = plan["id"].as_i64().unwrap();
        assert!(!plan["fleet"].as_array().unwrap().is_empty(), "the demo depots count their trucks: {plan}");
        server.terminate();
        let (before_trips, dir) = match store {
            Store::Sqlite => (
                "UPDATE depots SET fleet = json_remove(fleet, '$.trips') WHERE fleet IS NOT NULL;
                 UPDATE plans SET result = (
                     SELECT json_set(plans.result, '$.fleet', json_group_array(json(json_remove(load.value, '$.fleet.trips'))))
                     FROM (SELECT value FROM json_each(plans.result, '$.fleet') ORDER BY key) AS load
                 ) WHERE json_array_length(result, '$.fleet') > 0;",
                "sqlite",
            ),
            Store::Postgres => (
                "UPDATE depots SET fleet = fleet - 'trips' WHERE fleet IS NOT NULL;
                 UPDATE plans SET result = jsonb_set(result, '{fleet}', (
                     SELECT jsonb_agg(load #- '{fleet,trips}' ORDER BY position)
                     FROM jsonb_array_elements(result -> 'fleet') WITH ORDINALITY AS loads (load, position)
                 )) WHERE jsonb_typeof(result -> 'fleet') = 'array' AND jsonb_array_length(result -> 'fleet') > 0;",
                "postgres",
            ),
        };
        execute(store, &server.db.url, before_trips).await;
        // as a build before 0031 left them, the rows do not read
        server.crash_and_restart().await;
        let manager = server.login("manager").await;
        assert_eq!(server.get(&format!("/api/v1/plans/{id}"), &manager).await.0, StatusCode::INTERNAL_SERVER_ERROR);
        server.terminate();
        let migration = std::fs::read_to_string(common::repo_root().join("migrations").join(dir).join("0031_fleet_trips.sql")).unwrap();
        execute(store, &server.db.url, &migration).await;
        server.crash_and_restart().await;
        let manager = server.login("manager").await;
        let (status, migrated) = server.get(&format!("/api/v1/plans/{id}"), &manager).await;
        assert_eq!(status, StatusCode::OK, "{migrated}");
        assert_eq!(migrated["fleet"], plan["fleet"], "every load back with one trip");
        let (_, depots) = server.get("/api/v1/depots", &manager).await;
        let fleets: Vec<&Value> = depots.as_array().unwrap().iter().filter(|d| !d["fleet"].is_null()).collect();
        assert!(!fleets.is_empty() && fleets.iter().all(|d| d["fleet"]["trips"] == 1), "{depots}");
    };
}

/// Runs `sql` (several statements) on the database at `url`.
async fn execute(store: Store, url: &str, sql: &str) {
    let sql = sqlx::AssertSqlSafe(sql.to_owned());
    match store {
        Store::Sqlite => {
            let pool = sqlx::SqlitePool::connect(url).await.unwrap();
            sqlx::raw_sql(sql).execute(&pool).await.unwrap();
            pool.close().await;
        }
        Store::Postgres => {
            let pool = sqlx::PgPool::connect(url).await.unwrap();
            sqlx::raw_sql(sql).execute(&pool).await.unwrap();
            pool.close().await;
        }
    }
}
